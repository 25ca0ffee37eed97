// Bundle the terminal UI's third-party code (ink, React and the ~300 modules they pull in) into one file,
// so `kiln` reaches its first frame without resolving hundreds of modules. kiln's own engine modules stay
// external: the UI and the engine must share one instance of each (the redaction registry, for one).
import { build } from 'esbuild';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const uiDir = join(dist, 'cli', 'ui');
const outfile = join(uiDir, 'start-ui.bundle.js');

const keepEngineExternal = {
  name: 'keep-engine-external',
  setup(context) {
    context.onResolve({ filter: /^\.\.?\// }, (args) => {
      const target = resolve(args.resolveDir, args.path);
      if (!target.startsWith(dist + sep) || target.startsWith(uiDir + sep)) return undefined;
      // Re-point the import from the bundle's own directory.
      const path = relative(uiDir, target).split(sep).join('/');
      return { path: path.startsWith('.') ? path : `./${path}`, external: true };
    });
  },
};

// ink loads its React devtools bridge only when DEV=true, and kiln never asks for it: an empty stand-in.
const noDevtools = {
  name: 'no-devtools',
  setup(context) {
    context.onResolve({ filter: /^react-devtools-core$/ }, () => ({ path: 'react-devtools-core', namespace: 'kiln-stub' }));
    context.onLoad({ filter: /.*/, namespace: 'kiln-stub' }, () => ({ contents: 'export default { connectToDevTools() {} };', loader: 'js' }));
  },
};

await build({
  entryPoints: [join(uiDir, 'start-ui.js')],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  minify: true,
  logLevel: 'warning',
  // yoga's WebAssembly loader probes fetch, which makes Node load undici (~30 ms): it takes its sync path instead.
  define: { 'process.env.NODE_ENV': '"production"', fetch: 'undefined' },
  // CommonJS packages inside the bundle (React) call require(); give ESM a real one.
  banner: { js: "import { createRequire as __kilnRequire } from 'node:module'; const require = __kilnRequire(import.meta.url);" },
  plugins: [keepEngineExternal, noDevtools],
});
console.error(`bundled the terminal UI into ${relative(root, outfile)}`);
