import Ajv2020 from "ajv/dist/2020";

/**
 * The one ajv configuration of hvabi: strict, every error reported, defaults
 * filled in (so cores receive complete configurations), `discriminator` for
 * precise errors on operations.
 */
export function createAjv(options: { source?: boolean } = {}): Ajv2020 {
  return new Ajv2020({
    strict: true,
    strictRequired: false,
    allowUnionTypes: true,
    allErrors: true,
    discriminator: true,
    useDefaults: true,
    code: { source: options.source === true, lines: false },
  });
}
