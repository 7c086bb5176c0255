// Plain JavaScript: it is loaded by the extension host as is, never compiled.
exports.activate = function activate() {
  console.log('selftest-extension: activated');
};
exports.deactivate = function deactivate() {};
