// devices/drivers/keyboard: detection and explanation of keyboard-mode scanners. Re-exports only.
export * from './detect.js';
