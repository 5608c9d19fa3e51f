export { activationCommands, type KioskFile, kioskFiles, writeKioskFiles } from './install.js';
export {
  checkLayout,
  DEFAULT_LAYOUT,
  INSTALL_PATHS,
  type KioskLayout,
  KioskLayoutError,
  UDEV_RULES_FILE,
} from './layout.js';
export { type NotifyExec, SdNotifier, type SdNotifierOptions } from './sd-notify.js';
export { renderSysusers, renderUnit, SCANNER_DEVICE_CLASSES } from './systemd-unit.js';
export { renderUdevRules, scannerVendorIds } from './udev-rules.js';
export { checkUdevRules, type UdevSyntaxError } from './udev-syntax.js';
