/**
 * The set-up (scripts/setup-xen.sh) and the images it leaves (core/xen-qemu/xen-images.ts): the
 * script's helpers run on temp files (sourced with HVABI_SETUP_XEN_LIBRARY=1: nothing installed,
 * nothing downloaded), its refusals, and how hvabi finds and describes Xen images — from the
 * script's manifest or any image a user gives. No QEMU, no root actions.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compareDebianVersions, describeImage, embeddedConfig, findXenImages, parseConfig, XenImageError } from "../../core/xen-qemu/xen-images";

const SCRIPT = resolve(__dirname, "..", "..", "scripts", "setup-xen.sh");

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "hvabi-setup-xen-test-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs `body` in bash with the script's functions loaded (main does not run). */
function withScript(body: string, input?: string): { status: number | null; stdout: string; stderr: string } {
  const run = spawnSync("bash", ["-c", `source ${JSON.stringify(SCRIPT)}\n${body}`], {
    env: { ...process.env, HVABI_SETUP_XEN_LIBRARY: "1" },
    input: input ?? "",
    encoding: "utf8",
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

function config(options: { debug: boolean; pv32: boolean | "absent"; version?: string }): string {
  return [
    "#",
    "# Automatically generated file; DO NOT EDIT.",
    `# Xen/x86 ${options.version ?? "4.17.5"} Configuration`,
    "#",
    "CONFIG_CC_IS_GCC=y",
    "CONFIG_PV=y",
    options.pv32 === "absent" ? "" : options.pv32 ? "CONFIG_PV32=y" : "# CONFIG_PV32 is not set",
    "CONFIG_HYPFS_CONFIG=y",
    `CONFIG_NR_CPUS=256`,
    options.debug ? "CONFIG_DEBUG=y" : "# CONFIG_DEBUG is not set",
    "",
  ].join("\n");
}

/**
 * A stand-in Xen ELF: the ELF magic, noise (with a gzip magic that leads nowhere, as real code
 * bytes can hold), and, as Xen links it with CONFIG_HYPFS_CONFIG, the gzip'd .config followed
 * by its size.
 */
function fakeXen(embedded?: string): Buffer {
  const parts = [Buffer.from([0x7f, 0x45, 0x4c, 0x46, 1, 1, 1, 0]), Buffer.alloc(4096, 0x90), Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0xde, 0xad]), Buffer.alloc(512, 0xcc)];
  if (embedded !== undefined) {
    const packed = gzipSync(Buffer.from(embedded));
    const size = Buffer.alloc(8);
    size.writeUInt32LE(packed.length, 0);
    parts.push(packed, size);
  }
  parts.push(Buffer.alloc(2048, 0xc3));
  return Buffer.concat(parts);
}

describe("scripts/setup-xen.sh", () => {
  it("is valid bash and strict (set -euo pipefail)", () => {
    expect(spawnSync("bash", ["-n", SCRIPT]).status).toBe(0);
    expect(readFileSync(SCRIPT, "utf8")).toMatch(/^set -euo pipefail$/m);
  });

  it("mirrors Debian deb822 'deb' stanzas as deb-src (URIs, Suites, Components, Signed-By), nothing else", () => {
    const sources = [
      "Types: deb",
      "# a comment inside the stanza",
      "URIs: http://deb.debian.org/debian",
      "Suites: bookworm bookworm-updates",
      "Components: main contrib",
      "Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg",
      "",
      "Types: deb",
      "URIs: https://deb.nodesource.com/node_20.x",
      "Suites: nodistro",
      "Components: main",
      "",
      "Types: deb",
      "URIs: http://mirror.example/debian-security",
      "Suites: bookworm-security",
      "Components: main",
      "Enabled: no",
      "",
      "Types: deb deb-src",
      "URIs: http://snapshot.debian.org/archive/debian/20250520T000000Z",
      "Suites: bookworm",
      "Components: main",
      "Signed-By:",
      " -----BEGIN PGP PUBLIC KEY BLOCK-----",
      " .",
      " mQINBF…",
      " -----END PGP PUBLIC KEY BLOCK-----",
      "",
    ].join("\n");
    const run = withScript("debsrc_from_deb822", sources);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toBe(
      [
        "Types: deb-src",
        "URIs: http://deb.debian.org/debian",
        "Suites: bookworm bookworm-updates",
        "Components: main contrib",
        "Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg",
        "",
        "Types: deb-src",
        "URIs: http://snapshot.debian.org/archive/debian/20250520T000000Z",
        "Suites: bookworm",
        "Components: main",
        "Signed-By:",
        " -----BEGIN PGP PUBLIC KEY BLOCK-----",
        " .",
        " mQINBF…",
        " -----END PGP PUBLIC KEY BLOCK-----",
        "",
      ].join("\n"),
    );
  });

  it("mirrors one-line 'deb' entries, keeping signed-by, skipping comments, deb-src and other vendors", () => {
    const list = [
      "deb [arch=amd64 signed-by=/usr/share/keyrings/k.gpg] http://deb.debian.org/debian bookworm main contrib # trailing comment",
      "# deb http://deb.debian.org/debian bookworm-backports main",
      "deb-src http://deb.debian.org/debian bookworm main",
      "deb https://packages.cloud.google.com/apt cloud-sdk-bookworm main",
      "deb http://security.debian.org/debian-security bookworm-security main",
    ].join("\n");
    const run = withScript("debsrc_from_one_line", list);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toBe(
      [
        "Types: deb-src",
        "URIs: http://deb.debian.org/debian",
        "Suites: bookworm",
        "Components: main contrib",
        "Signed-By: /usr/share/keyrings/k.gpg",
        "",
        "Types: deb-src",
        "URIs: http://security.debian.org/debian-security",
        "Suites: bookworm-security",
        "Components: main",
        "",
      ].join("\n"),
    );
  });

  it("gathers deb-src stanzas from a whole apt configuration, ignoring its own file", () => {
    const apt = join(dir, "apt");
    mkdirSync(join(apt, "sources.list.d"), { recursive: true });
    writeFileSync(join(apt, "sources.list"), "deb http://deb.debian.org/debian bookworm main\n");
    writeFileSync(
      join(apt, "sources.list.d", "debian.sources"),
      "Types: deb\nURIs: http://deb.debian.org/debian-security\nSuites: bookworm-security\nComponents: main\n",
    );
    writeFileSync(join(apt, "sources.list.d", "hvabi-deb-src.sources"), "Types: deb\nURIs: http://ignored/debian\nSuites: x\nComponents: main\n");
    writeFileSync(join(apt, "sources.list.d", "vendor.sources.disabled"), "Types: deb\nURIs: http://ignored/debian\nSuites: y\nComponents: main\n");
    const run = withScript(`debsrc_stanzas ${JSON.stringify(apt)}`);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toBe(
      "Types: deb-src\nURIs: http://deb.debian.org/debian-security\nSuites: bookworm-security\nComponents: main\n\n" +
        "Types: deb-src\nURIs: http://deb.debian.org/debian\nSuites: bookworm\nComponents: main\n",
    );
  });

  it("reads Kconfig values: y, n for 'is not set', the text, or nothing", () => {
    const file = join(dir, "values.config");
    writeFileSync(file, config({ debug: true, pv32: false }));
    const run = withScript(
      `for o in CONFIG_DEBUG CONFIG_PV32 CONFIG_NR_CPUS CONFIG_ABSENT; do echo "$o=[$(config_value $o ${JSON.stringify(file)})]"; done`,
    );
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toBe("CONFIG_DEBUG=[y]\nCONFIG_PV32=[n]\nCONFIG_NR_CPUS=[256]\nCONFIG_ABSENT=[]\n");
  });

  it.skipIf(spawnSync("python3", ["--version"]).status !== 0)(
    "writes a manifest that findXenImages reads, and notices a changed image (needs python3)",
    () => {
      const cache = join(dir, "cache-from-script");
      const entry = join(cache, "4.17.5+72-g01140da4e8-1");
      mkdirSync(entry, { recursive: true });
      writeFileSync(join(entry, "xen-release"), fakeXen(config({ debug: false, pv32: false })));
      writeFileSync(join(entry, "xen-release.config"), config({ debug: false, pv32: false }));
      writeFileSync(join(entry, "xen-debug"), fakeXen(config({ debug: true, pv32: true })));
      writeFileSync(join(entry, "xen-debug.config"), config({ debug: true, pv32: true }));
      const version = "4.17.5+72-g01140da4e8-1";
      const written = withScript(`write_manifest ${JSON.stringify(entry)} ${version} 4.17.7+13-g2445b30a44-0+deb12u1 && cache_entry_complete ${JSON.stringify(entry)} ${version} && echo complete`);
      expect(written.status, written.stderr).toBe(0);
      expect(written.stdout).toBe("complete\n");
      const manifest = JSON.parse(readFileSync(join(entry, "manifest.json"), "utf8")) as Record<string, unknown>;
      expect(manifest).toMatchObject({
        sourceVersion: version,
        releaseBinaryVersion: "4.17.7+13-g2445b30a44-0+deb12u1",
        sameSourceVersion: false,
        builds: {
          release: { image: "xen-release", config: "xen-release.config", debug: false, pv32: false },
          debug: { image: "xen-debug", config: "xen-debug.config", debug: true, pv32: true },
        },
      });
      expect(manifest.createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);

      const images = findXenImages(cache);
      expect(images?.sourceVersion).toBe(version);
      expect(images?.release).toEqual({
        path: join(entry, "xen-release"),
        configPath: join(entry, "xen-release.config"),
        build: "release",
        pv32: false,
        version: "4.17.7+13-g2445b30a44-0+deb12u1",
        configFrom: "manifest",
      });
      expect(images?.debug).toMatchObject({ build: "debug", pv32: true, version });
      expect(images?.problems).toEqual([]);

      writeFileSync(join(entry, "xen-debug"), fakeXen());
      const changed = withScript(`cache_entry_complete ${JSON.stringify(entry)} ${version} && echo complete || echo incomplete`);
      expect(changed.stdout).toBe("incomplete\n");
      const after = findXenImages(cache);
      expect(after?.debug).toBeUndefined();
      expect(after?.release).toBeDefined();
      expect(after?.problems).toEqual([expect.stringMatching(/debug image .*xen-debug does not match its recorded checksum: run `sudo npm run setup:xen` again/)]);
    },
  );

  describe("refusals, each with what to do", () => {
    /** A PATH holding only what the script needs before its checks, plus a fake `id`. */
    function fakePath(uid: number, withApt: boolean): string {
      const bin = mkdtempSync(join(dir, "bin-"));
      for (const tool of ["dirname", "cat", "grep"]) symlinkSync(`/usr/bin/${tool}`, join(bin, tool));
      writeFileSync(join(bin, "id"), `#!/bin/sh\necho ${uid}\n`);
      chmodSync(join(bin, "id"), 0o755);
      if (withApt) {
        for (const tool of ["apt-get", "apt-cache", "dpkg"]) {
          writeFileSync(join(bin, tool), "#!/bin/sh\necho should-not-run >&2\nexit 99\n");
          chmodSync(join(bin, tool), 0o755);
        }
      }
      return bin;
    }

    it("not root: says to run as root", () => {
      const run = spawnSync("/bin/bash", [SCRIPT], { env: { PATH: fakePath(1000, true), HVABI_XEN_CACHE: join(dir, "unused") }, encoding: "utf8" });
      expect(run.status).toBe(1);
      expect(run.stderr).toMatch(/run as root \(apt-get needs it\)/);
      expect(run.stderr).not.toMatch(/should-not-run/);
    });

    it("no apt: says it needs Debian's apt and what to do elsewhere", () => {
      const run = spawnSync("/bin/bash", [SCRIPT], { env: { PATH: fakePath(0, false), HVABI_XEN_CACHE: join(dir, "unused") }, encoding: "utf8" });
      expect(run.status).toBe(1);
      expect(run.stderr).toMatch(/apt-get not found: this set-up needs Debian's apt/);
      expect(run.stderr).toMatch(/--xen <image>/);
    });
  });
});

describe("compareDebianVersions (dpkg's order)", () => {
  it.each([
    ["4.17.7+13-g2445b30a44-0+deb12u1", "4.17.5+72-g01140da4e8-1", 1],
    ["4.17.5+72-g01140da4e8-1", "4.17.5+72-g01140da4e8-1", 0],
    ["1.0~rc1-1", "1.0-1", -1],
    ["1:0.9", "2.0", 1],
    ["1.0-1", "1.0-2", -1],
    ["1.0a", "1.0", 1],
    ["1.0a", "1.0+", -1],
    ["4.17.10", "4.17.9", 1],
    ["1.0", "1.0-0", 0],
  ])("%s vs %s → %i", (a, b, sign) => {
    expect(compareDebianVersions(a, b)).toBe(sign);
    expect(compareDebianVersions(b, a)).toBe(-sign || 0);
  });
});

describe("findXenImages", () => {
  function entry(cache: string, version: string, createdAt = "2026-01-01T00:00:00Z"): string {
    const folder = join(cache, version);
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, "xen-release"), fakeXen());
    writeFileSync(join(folder, "xen-release.config"), config({ debug: false, pv32: false }));
    writeFileSync(
      join(folder, "manifest.json"),
      JSON.stringify({
        sourceVersion: version,
        releaseBinaryVersion: version,
        builds: { release: { image: "xen-release", config: "xen-release.config", debug: false, pv32: false }, debug: { image: "xen-debug", config: "xen-debug.config", debug: true, pv32: true } },
        createdAt,
      }),
    );
    return folder;
  }

  it("undefined when there is no cache or no manifest in it", () => {
    expect(findXenImages(join(dir, "no-such-cache"))).toBeUndefined();
    const empty = join(dir, "empty-cache");
    mkdirSync(join(empty, "logs"), { recursive: true });
    expect(findXenImages(empty)).toBeUndefined();
  });

  it("reads the newest entry by Debian version, ignores temporary trees and broken manifests, names a missing image", () => {
    const cache = join(dir, "cache-two");
    entry(cache, "4.17.3-1");
    const newest = entry(cache, "4.17.10-1");
    entry(cache, "4.17.9-1");
    mkdirSync(join(cache, ".tmp-abc123"), { recursive: true });
    writeFileSync(join(cache, ".tmp-abc123", "manifest.json"), JSON.stringify({ sourceVersion: "9.9", builds: {} }));
    mkdirSync(join(cache, "5.0-1"));
    writeFileSync(join(cache, "5.0-1", "manifest.json"), "{ not json");
    const images = findXenImages(cache);
    expect(images?.sourceVersion).toBe("4.17.10-1");
    expect(images?.manifestPath).toBe(join(newest, "manifest.json"));
    expect(images?.release?.path).toBe(join(newest, "xen-release"));
    expect(images?.debug).toBeUndefined();
    expect(images?.problems).toEqual([expect.stringMatching(/^debug image .*xen-debug is missing/)]);
  });

  it("HVABI_XEN_CACHE is the default cache", () => {
    const cache = join(dir, "cache-env");
    entry(cache, "4.17.5-1");
    const saved = process.env.HVABI_XEN_CACHE;
    process.env.HVABI_XEN_CACHE = cache;
    try {
      expect(findXenImages()?.sourceVersion).toBe("4.17.5-1");
    } finally {
      if (saved === undefined) delete process.env.HVABI_XEN_CACHE;
      else process.env.HVABI_XEN_CACHE = saved;
    }
  });
});

describe("describeImage (a user's own Xen)", () => {
  it("reads the configuration Xen embeds in itself (CONFIG_HYPFS_CONFIG)", () => {
    const path = join(dir, "embedded-xen");
    writeFileSync(path, fakeXen(config({ debug: true, pv32: true, version: "4.19.1" })));
    expect(describeImage(path)).toEqual({ path, build: "debug", pv32: true, version: "4.19.1", configFrom: "embedded" });
  });

  it("gunzips a .gz image for QEMU (once per content) and reads Debian's config beside it", () => {
    const folder = join(dir, "boot");
    mkdirSync(folder);
    const gz = join(folder, "xen-4.17-amd64.gz");
    writeFileSync(gz, gzipSync(fakeXen()));
    writeFileSync(join(folder, "xen-4.17-amd64.config"), config({ debug: false, pv32: false }));
    const unpackDir = join(dir, "unpacked");
    const image = describeImage(gz, { unpackDir });
    expect(image).toMatchObject({ build: "release", pv32: false, configFrom: "beside", configPath: join(folder, "xen-4.17-amd64.config"), version: "4.17.5" });
    expect(image.path.startsWith(unpackDir)).toBe(true);
    expect(readFileSync(image.path)).toEqual(fakeXen());
    expect(describeImage(gz, { unpackDir }).path).toBe(image.path);
  });

  it("finds xen/.config in the tree the image was built in", () => {
    const tree = join(dir, "tree", "xen");
    mkdirSync(tree, { recursive: true });
    writeFileSync(join(tree, "Kconfig"), "mainmenu \"Xen\"\n");
    writeFileSync(join(tree, ".config"), config({ debug: true, pv32: false }));
    writeFileSync(join(tree, "xen"), fakeXen());
    expect(describeImage(join(tree, "xen"))).toMatchObject({ build: "debug", pv32: false, configFrom: "tree", configPath: join(tree, ".config") });
  });

  it("a given configuration wins; one that disagrees with the image's own is named in notes", () => {
    const path = join(dir, "given-xen");
    writeFileSync(path, fakeXen(config({ debug: false, pv32: false })));
    const given = join(dir, "given.config");
    writeFileSync(given, config({ debug: true, pv32: true }));
    const image = describeImage(path, { configPath: given });
    expect(image).toMatchObject({ build: "debug", pv32: true, configFrom: "given", configPath: given });
    expect(image.notes).toEqual([expect.stringMatching(/disagrees with the one embedded in the image/)]);
  });

  it("prefers the embedded configuration to a stale file beside the image, and says so", () => {
    const path = join(dir, "stale-xen");
    writeFileSync(path, fakeXen(config({ debug: true, pv32: true })));
    writeFileSync(`${path}.config`, config({ debug: false, pv32: false }));
    const image = describeImage(path);
    expect(image).toMatchObject({ build: "debug", pv32: true, configFrom: "embedded" });
    expect(image.configPath).toBeUndefined();
    expect(image.notes).toEqual([expect.stringMatching(/stale-xen\.config disagrees with the configuration embedded in the image .*using the embedded one/)]);
  });

  it("before CONFIG_PV32 existed (Xen < 4.15), 32-bit PV came with CONFIG_PV", () => {
    const path = join(dir, "old-xen");
    writeFileSync(path, fakeXen(config({ debug: false, pv32: "absent", version: "4.14.6" })));
    expect(describeImage(path)).toMatchObject({ build: "release", pv32: true, version: "4.14.6" });
  });

  it("no configuration anywhere: the build is unknown and must be given", () => {
    const path = join(dir, "bare-xen");
    writeFileSync(path, fakeXen());
    expect(() => describeImage(path)).toThrow(XenImageError);
    expect(() => describeImage(path)).toThrow(/cannot tell how .*bare-xen was built: .*give its \.config, or say its build \(debug or release\)/);
  });

  it("refuses what QEMU cannot load: a PE (xen.efi), a missing file", () => {
    const efi = join(dir, "xen.efi");
    writeFileSync(efi, Buffer.concat([Buffer.from("MZ"), Buffer.alloc(100)]));
    expect(() => describeImage(efi)).toThrow(/not an ELF image \(a PE image such as xen\.efi/);
    expect(() => describeImage(join(dir, "absent"))).toThrow(/cannot read the Xen image/);
  });

  it("parseConfig: y, n for 'is not set', values with their quotes removed", () => {
    const values = parseConfig('CONFIG_A=y\n# CONFIG_B is not set\nCONFIG_C="text"\nCONFIG_D=12\n');
    expect([...values]).toEqual([["CONFIG_A", "y"], ["CONFIG_B", "n"], ["CONFIG_C", "text"], ["CONFIG_D", "12"]]);
  });

  const BOOT = "/boot/xen-4.17-amd64.gz";
  it.skipIf(!existsSync(BOOT) || !existsSync("/boot/xen-4.17-amd64.config"))(
    `Debian's release image embeds exactly its /boot .config (skipped without ${BOOT}: run sudo npm run setup:xen)`,
    () => {
      const image = describeImage(BOOT, { unpackDir: join(dir, "unpacked-boot") });
      expect(image).toMatchObject({ build: "release", pv32: false, configFrom: "embedded", configPath: "/boot/xen-4.17-amd64.config" });
      expect(image.notes).toBeUndefined();
      expect(embeddedConfig(readFileSync(image.path))).toBe(readFileSync("/boot/xen-4.17-amd64.config", "utf8"));
    },
  );
});
