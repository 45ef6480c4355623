import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { describe, it } from 'node:test';

const distUrl = new URL('../dist/', import.meta.url);

describe('package', () => {
  it('dist_EveryImport_IsRelativeWithJsExtensionSoBrowsersCanLoadIt', () => {
    const files = readdirSync(distUrl).filter((name) => name.endsWith('.js'));
    assert.ok(files.includes('index.js'));
    for (const file of files) {
      const source = readFileSync(new URL(file, distUrl), 'utf8');
      const specifiers = [...source.matchAll(/\b(?:import|export)\b[^'"]*?\bfrom\s*['"]([^'"]+)['"]/g)].map((m) => m[1]);
      for (const specifier of specifiers) {
        assert.match(specifier ?? '', /^\.\/[\w-]+\.js$/, `${file} imports "${specifier}"`);
      }
      assert.doesNotMatch(source, /\brequire\(|\bprocess\.|\bimport\(['"]node:/, `${file} uses a Node-only API`);
    }
  });

  // `keycard serve --demo` serves a committed copy of dist/*.js (src/Keycard.Server/Demo/sdk/) so that
  // `dotnet build` needs no Node; this keeps that copy from drifting from the SDK's source.
  it('demoCopy_ComparedWithThisBuild_IsIdentical', () => {
    const check = spawnSync(process.execPath, ['scripts/demo-sdk.mjs', '--check'], {
      cwd: new URL('../', import.meta.url),
      encoding: 'utf8',
      timeout: 10_000,
    });
    assert.equal(check.status, 0, `${check.stdout}${check.stderr}`);
  });
});
