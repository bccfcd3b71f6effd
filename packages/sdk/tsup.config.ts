import { defineConfig } from 'tsup';

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    soft: 'src/provider/soft/index.ts',
    x509: 'src/x509/index.ts',
    'formats/raw': 'src/formats/raw/index.ts',
    'formats/cms': 'src/formats/cms/index.ts',
    'formats/jar': 'src/formats/jar/index.ts',
    'formats/authenticode': 'src/formats/authenticode/index.ts',
    timestamp: 'src/timestamp/index.ts',
    'formats/pgp': 'src/formats/pgp/index.ts',
    'formats/dsse': 'src/formats/dsse/index.ts',
    policy: 'src/policy/index.ts',
    audit: 'src/audit/index.ts',
    signing: 'src/signing/index.ts',
    remote: 'src/remote/index.ts',
    testing: 'src/testing/index.ts',
  },
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'node20',
  splitting: true,
});
