// Preload (`node --import <this file>`) that shifts this process's wall clock by
// PDM_CLOCK_SKEW_MS: a site whose clock is off, without touching the machine's clock.
const skewMs = Number(process.env.PDM_CLOCK_SKEW_MS ?? 0);
if (skewMs) {
  const RealDate = Date;
  const realNow = RealDate.now.bind(RealDate);
  class SkewedDate extends RealDate {
    constructor(...args) {
      if (args.length === 0) super(realNow() + skewMs);
      else super(...args);
    }
    static now() { return realNow() + skewMs; }
  }
  globalThis.Date = SkewedDate;
}
