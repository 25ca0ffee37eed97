import type { Bom } from './bom.js';

export interface BomDiff {
  packages: { added: { name: string; version: string }[]; removed: { name: string; version: string }[]; changed: { name: string; from: string; to: string }[] };
  appFiles: { added: string[]; removed: string[]; changed: string[] };
  dependencies: { added: string[]; removed: string[]; changed: string[] };
  layers: { name: string; from: string | null; to: string | null; changed: boolean }[];
}

/** What changed from `a` to `b`: packages, app files, app dependencies and layer digests. Pure. */
export function diffBoms(a: Bom, b: Bom): BomDiff {
  const before = new Map(a.packages.map((entry) => [entry.name, entry.version]));
  const after = new Map(b.packages.map((entry) => [entry.name, entry.version]));
  const filesBefore = new Map(a.app.files.map((file) => [file.path, file.sha256]));
  const filesAfter = new Map(b.app.files.map((file) => [file.path, file.sha256]));
  const depsBefore = new Map(a.app.dependencies.map((dep) => [dep.name, dep.version]));
  const depsAfter = new Map(b.app.dependencies.map((dep) => [dep.name, dep.version]));
  const names = [...new Set([...a.layers, ...b.layers].map((layer) => layer.name))];
  return {
    packages: {
      added: b.packages.filter((entry) => !before.has(entry.name)),
      removed: a.packages.filter((entry) => !after.has(entry.name)),
      changed: b.packages.filter((entry) => before.has(entry.name) && before.get(entry.name) !== entry.version).map((entry) => ({ name: entry.name, from: before.get(entry.name)!, to: entry.version })),
    },
    appFiles: keyed(filesBefore, filesAfter),
    dependencies: keyed(depsBefore, depsAfter, (name, version) => `${name}@${version}`),
    layers: names.map((name) => {
      const from = a.layers.find((layer) => layer.name === name)?.digest ?? null;
      const to = b.layers.find((layer) => layer.name === name)?.digest ?? null;
      return { name, from, to, changed: from !== to };
    }),
  };
}

function keyed(before: Map<string, string>, after: Map<string, string>, show: (key: string, value: string) => string = (key) => key) {
  return {
    added: [...after].filter(([key]) => !before.has(key)).map(([key, value]) => show(key, value)),
    removed: [...before].filter(([key]) => !after.has(key)).map(([key, value]) => show(key, value)),
    changed: [...after].filter(([key, value]) => before.has(key) && before.get(key) !== value).map(([key, value]) => show(key, value)),
  };
}
