// A suite that never settles, to show the harness's timeout: screenshot, error with the output so far, and
// everything cleaned up.
exports.run = function run() {
  console.log('selftest: hanging');
  return new Promise(() => undefined);
};
