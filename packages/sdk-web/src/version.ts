/**
 * The SDK's version, exposed as `ParleyRTC.VERSION`. Kept in step with package.json by
 * version.test.ts.
 */
export const VERSION = '0.1.0';
