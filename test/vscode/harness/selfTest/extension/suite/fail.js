// A suite that fails, to show that a throwing run() reaches the harness as a non-zero exit code.
exports.run = async function run() {
  console.log('selftest: about to fail');
  throw new Error('selftest: deliberate failure');
};
