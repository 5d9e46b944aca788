// ava runs the compiled tests. `npm test` runs the unit suite (no Java needed); the compatibility
// suite (`npm run test:compat`, against Debian's Apache ZooKeeper) sets ZKTS_SUITE=compat.
const compat = process.env.ZKTS_SUITE === 'compat';

module.exports = {
  files: compat ? ['dist/compat-tests/**/*.test.js'] : ['dist/test/**/*.test.js'],
  timeout: compat ? '10m' : '2m',
  concurrency: 2,
};
