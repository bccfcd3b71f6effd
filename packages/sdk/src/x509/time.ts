import * as pkijs from 'pkijs';

/**
 * A Time for a certificate validity or a CMS signing time, in whole seconds: UTCTime for the years
 * 1950–2049 and GeneralizedTime otherwise, as RFC 5280 §4.1.2.5 and RFC 5652 §11.3 require.
 */
export function encodeTime(date: Date): pkijs.Time {
  const seconds = new Date(Math.floor(date.getTime() / 1000) * 1000);
  const year = seconds.getUTCFullYear();
  const type = year >= 1950 && year <= 2049 ? pkijs.TimeType.UTCTime : pkijs.TimeType.GeneralizedTime;
  return new pkijs.Time({ type, value: seconds });
}
