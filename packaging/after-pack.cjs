// electron-builder afterPack hook: flips the Electron fuses (packaging/fuses.cjs) on the packed
// binary before it is wrapped into the AppImage or deb. Uses @electron/fuses 1.8.
const path = require('node:path');
const { flipFuses } = require('@electron/fuses');
const { FUSES } = require('./fuses.cjs');

/** The Electron executable inside a packed app directory. */
function electronBinaryPath(context) {
  const platform = context.electronPlatformName;
  if (platform === 'darwin') {
    return path.join(context.appOutDir, `${context.packager.appInfo.productFilename}.app`);
  }
  const name = context.packager.executableName ?? context.packager.appInfo.productFilename;
  return path.join(context.appOutDir, platform === 'win32' ? `${name}.exe` : name);
}

exports.electronBinaryPath = electronBinaryPath;

exports.default = async function afterPack(context) {
  const binary = electronBinaryPath(context);
  await flipFuses(binary, { ...FUSES, resetAdHocDarwinSignature: context.electronPlatformName === 'darwin' });
  console.log(`[after-pack] fuses flipped on ${binary}`);
};
