import { describe, expect, it } from "vitest";
import { generateTypes, readCommittedTypes } from "../../scripts/schema-types";

describe("generated types", () => {
  it("spec/types/generated.ts matches the schemas (run `npm run codegen` after changing a schema)", async () => {
    expect(readCommittedTypes()).toBe(await generateTypes());
  }, 60_000);
});
