/**
 * Says at the end of `npm test`, where a reader looks, that the real-Xen tests did not run and how
 * to enable them (each such test is also skipped under a name that says so).
 */
import { missingSetUp, notRunBanner } from "./set-up";

export default function setup(): () => void {
  return () => {
    const missing = missingSetUp();
    if (missing.length > 0) process.stderr.write(notRunBanner(missing));
  };
}
