import type { Prompt } from '../session/session-state.js';

export interface PromptLine {
  text: string;
  color?: 'red' | 'yellow' | 'green' | 'cyan';
  bold?: boolean;
}

/** A prompt's text, one terminal row each (so its height is known before it is drawn); the keys line is added by PromptBox. */
export function promptLines(prompt: Prompt, env: string): PromptLine[] {
  switch (prompt.kind) {
    case 'cutover':
      return [
        { text: `Cut over to ${prompt.release}? The new instances, as the load balancer sees them:`, bold: true },
        ...prompt.facts.map((fact) => ({ text: `  ${fact}`, color: /unhealthy/.test(fact) ? ('red' as const) : ('green' as const) })),
      ];
    case 'failure':
      return [
        { text: `✗ ${prompt.title}`, color: 'red', bold: true },
        ...(prompt.detail ? [{ text: `  ${prompt.detail.split('\n')[0]}` }] : []),
      ];
    case 'rollback':
      return prompt.lines.map((text, index) => ({ text, bold: index === prompt.lines.length - 1, color: text.startsWith('!') ? ('yellow' as const) : undefined }));
    case 'interrupt': {
      const what = `${prompt.release ? `release ${prompt.release}` : 'the release'}${prompt.step ? ` (step ${prompt.step})` : ''}`;
      const detachLines: PromptLine[] = [
        { text: '  d  detach: leave now and undo nothing; the release waits in the journal.' },
        { text: `     finish it: kiln release --resume --env ${env}   undo it: kiln release --abort --env ${env}` },
      ];
      if (prompt.aborting) return [{ text: `Aborting ${what}: its cleanup is running.`, bold: true, color: 'yellow' }, ...detachLines];
      return [
        { text: `Stop ${what}?`, bold: true, color: 'yellow' },
        { text: '  a  abort cleanly: the running step stops and every step that ran is undone, newest first;' },
        { text: '     the old stack keeps serving.' },
        ...detachLines,
      ];
    }
  }
}
