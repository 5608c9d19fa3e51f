/**
 * Personal data and a key the hostile-review tests feed through the system and then look for in
 * logs, metrics, crash output and reports (none may appear there in clear).
 */
export const ID_NO = '11010020171225006X';
export const PHONE = '13812345678';
export const NAME = '张三丰';
export const SM4_KEY = '0123456789ABCDEFFEDCBA9876543210';
