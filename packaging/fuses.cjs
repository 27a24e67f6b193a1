// The Electron fuses of the packaged kiosk app (https://www.electronjs.org/docs/latest/tutorial/fuses).
// Shared by packaging/after-pack.cjs and its test. Every fuse is set explicitly
// (strictlyRequireAllFuses), so an Electron upgrade that adds a fuse fails the build until decided.
const { FuseV1Options, FuseVersion } = require('@electron/fuses');

/** @type {import('@electron/fuses').FuseV1Config} */
const FUSES = {
  version: FuseVersion.V1,
  strictlyRequireAllFuses: true,
  // no ELECTRON_RUN_AS_NODE: the binary cannot be used as a plain Node to run arbitrary code
  [FuseV1Options.RunAsNode]: false,
  [FuseV1Options.EnableCookieEncryption]: true,
  // no NODE_OPTIONS and no --inspect: nothing can inject code into the main process
  [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
  [FuseV1Options.EnableNodeCliInspectArguments]: false,
  // asar integrity is enforced where Electron supports it (macOS, Windows); a no-op on Linux
  [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true,
  [FuseV1Options.OnlyLoadAppFromAsar]: true,
  [FuseV1Options.LoadBrowserProcessSpecificV8Snapshot]: false,
  // the UI is served over http://127.0.0.1, file:// needs no extra privileges
  [FuseV1Options.GrantFileProtocolExtraPrivileges]: false,
};

module.exports = { FUSES };
