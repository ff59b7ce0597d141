// The single-file bundle of pbj-client: src/index.js and what it imports, one minified ES module with its source
// map, built by esbuild. `npm run build` writes dist/pbj-client.min.js (and .map); test/unit/bundle.test.js builds
// the same into a temporary folder and calls through it.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));

/**
 * Builds the bundle into `outdir` (default dist/); resolves to `{ file, bytes, imports }` of the bundle itself
 * (`imports`: what it still imports, none).
 */
export async function bundle(outdir = `${root}dist`) {
  const outfile = `${outdir}/pbj-client.min.js`;
  const result = await build({
    absWorkingDir: root,
    entryPoints: ['src/index.js'],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    minify: true,
    keepNames: true, // errors are named after their classes (err.name, and the type a failure is sent as)
    sourcemap: true,
    legalComments: 'none',
    metafile: true,
    logLevel: 'warning',
  });
  const output = Object.entries(result.metafile.outputs).find(([name]) => name.endsWith('.js'));
  return { file: outfile, bytes: output[1].bytes, imports: output[1].imports };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { file, bytes } = await bundle(process.argv[2]); // node build/bundle.js [OUTDIR]
  console.log(`${file}: ${bytes} bytes`);
}
