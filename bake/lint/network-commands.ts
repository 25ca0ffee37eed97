/** Commands that fetch from the network: fine at bake time, forbidden at boot. */
const RULES: readonly { pattern: RegExp; why: string }[] = [
  { pattern: /\bapt(?:-get|itude)?\s+(?:-\S+\s+)*(?:update|install|upgrade|dist-upgrade|full-upgrade|download|source|build-dep)\b/, why: 'apt fetches from a mirror' },
  { pattern: /\b(?:curl|wget|aria2c)\b/, why: 'it downloads over the network' },
  { pattern: /\b(?:npm|pnpm|yarn)\s+(?:-\S+\s+)*(?:install|i|ci|add|update|upgrade)\b|\bnpx\s/, why: 'it installs packages from a registry' },
  { pattern: /\bpip3?\s+(?:-\S+\s+)*(?:install|download)\b|\bpython3?\s+-m\s+pip\s+install\b|\buv\s+(?:pip\s+install|sync|add)\b/, why: 'it installs packages from a registry' },
  { pattern: /\b(?:gem|cargo)\s+(?:install|fetch)\b|\bgo\s+(?:get|install|mod\s+download)\b|\bbundle\s+install\b|\bcomposer\s+install\b/, why: 'it installs packages from a registry' },
  { pattern: /\bgit\s+(?:-\S+\s+)*(?:clone|fetch|pull|ls-remote)\b|\bgit\s+submodule\s+update\b/, why: 'it fetches from a remote repository' },
  { pattern: /\b(?:docker|podman)\s+pull\b/, why: 'it pulls an image from a registry' },
  { pattern: /\b(?:yum|dnf|zypper)\s+install\b|\bapk\s+add\b/, why: 'it installs packages from a mirror' },
  { pattern: /(?:^|[;&|]\s*)(?:ssh|scp|sftp|ftp|telnet|nc|ncat)\s/, why: 'it connects to another host' },
];

export interface NetworkUse {
  command: string;
  why: string;
}

/** Whether one line of shell reaches for the network; comments are ignored. */
export function networkUse(line: string): NetworkUse | undefined {
  const code = line.replace(/(^|\s)#.*$/, '$1').trim();
  if (!code) return undefined;
  const rule = RULES.find(({ pattern }) => pattern.test(code));
  return rule ? { command: code, why: rule.why } : undefined;
}

/** Every line of a script that reaches for the network, with its 1-based line number. */
export function networkUseInScript(text: string): (NetworkUse & { line: number })[] {
  return text.split('\n').flatMap((line, index) => {
    const found = networkUse(line);
    return found ? [{ ...found, line: index + 1 }] : [];
  });
}
