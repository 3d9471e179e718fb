/**
 * Where the Xen images are and what they are.
 *
 * - findXenImages: the two builds `npm run setup:xen` (scripts/setup-xen.sh) leaves in its cache,
 *   ${HVABI_XEN_CACHE:-/var/cache/hvabi/xen}/<source version>/ with a manifest.json.
 * - describeImage: any image a user gives (e.g. their own tree's xen/xen): its build (debug or
 *   release) and whether it runs 32-bit PV guests, read from its build configuration — a file
 *   given or found beside it, or the copy Xen embeds in itself with CONFIG_HYPFS_CONFIG.
 *   A gzip'd image (Debian's /boot/xen-*.gz) is gunzipped first: QEMU's multiboot loader needs
 *   the ELF.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join, resolve } from "node:path";
import { crc32, gunzipSync, inflateRawSync, constants as zlibConstants } from "node:zlib";

export type XenBuild = "debug" | "release";

export interface XenImage {
  /** The ELF multiboot image QEMU loads with -kernel. */
  path: string;
  /** Its build configuration (Kconfig .config), when there is one as a file. */
  configPath?: string;
  build: XenBuild;
  /** CONFIG_PV32: can it run 32-bit PV guests (a 32-bit dom0 or domU)? */
  pv32: boolean;
  /** The Debian package or source version for the set-up's builds; Xen's own version ("4.17.5") otherwise, when known. */
  version?: string;
  /** Where the build configuration was read: "manifest", "given", "embedded", "beside", "tree". */
  configFrom?: "manifest" | "given" | "embedded" | "beside" | "tree";
  /** Things worth telling the user (a configuration file that disagrees with the image's own). */
  notes?: string[];
}

export interface XenImages {
  /** The Debian source version of the cache entry (the debug build's source; the release binary's too when they match). */
  sourceVersion: string;
  release?: XenImage;
  debug?: XenImage;
  /** The manifest read. */
  manifestPath: string;
  /** Why a build the manifest lists is missing from the answer (a file gone or changed). */
  problems: string[];
}

export const DEFAULT_XEN_CACHE = "/var/cache/hvabi/xen";

/** What to tell a user when there is nothing: the set-up has not run (or ran elsewhere). */
export function setupHint(cacheDir: string = defaultCacheDir()): string {
  return `no Xen images in ${cacheDir}: run \`sudo npm run setup:xen\` (scripts/setup-xen.sh) to install QEMU and Xen 4.17 and build the debug image, or set HVABI_XEN_CACHE to where it put them`;
}

function defaultCacheDir(): string {
  return process.env.HVABI_XEN_CACHE ?? DEFAULT_XEN_CACHE;
}

interface ManifestBuild {
  image: string;
  config: string;
  debug: boolean;
  pv32: boolean;
  imageSha256?: string;
}

interface Manifest {
  sourceVersion: string;
  releaseBinaryVersion?: string;
  builds: Partial<Record<XenBuild, ManifestBuild>>;
  createdAt?: string;
}

/**
 * The images of the newest cache entry (by Debian source version), or undefined when the cache
 * holds none (see setupHint). A build whose image is missing or no longer matches its recorded
 * checksum is left out and named in `problems`.
 */
export function findXenImages(cacheDir: string = defaultCacheDir()): XenImages | undefined {
  let entries: string[];
  try {
    entries = readdirSync(cacheDir);
  } catch {
    return undefined;
  }
  const manifests: Array<{ path: string; manifest: Manifest }> = [];
  for (const name of entries) {
    // Dot-entries are the set-up's temporary trees and lock; "downloads" and "logs" have no manifest.
    if (name.startsWith(".")) continue;
    const path = join(cacheDir, name, "manifest.json");
    const manifest = readManifest(path);
    if (manifest !== undefined) manifests.push({ path, manifest });
  }
  manifests.sort(
    (a, b) =>
      compareDebianVersions(b.manifest.sourceVersion, a.manifest.sourceVersion) ||
      (b.manifest.createdAt ?? "").localeCompare(a.manifest.createdAt ?? ""),
  );
  const newest = manifests[0];
  if (newest === undefined) return undefined;
  const { manifest } = newest;
  const entry = dirname(newest.path);
  const found: XenImages = { sourceVersion: manifest.sourceVersion, manifestPath: resolve(newest.path), problems: [] };
  for (const build of ["release", "debug"] as const) {
    const listed = manifest.builds[build];
    if (listed === undefined) continue;
    const path = resolve(entry, listed.image);
    const problem = imageProblem(path, listed.imageSha256);
    if (problem !== undefined) {
      found.problems.push(`${build} image ${problem}: run \`sudo npm run setup:xen\` again`);
      continue;
    }
    const configPath = resolve(entry, listed.config);
    const image: XenImage = {
      path,
      build: listed.debug ? "debug" : "release",
      pv32: listed.pv32,
      configFrom: "manifest",
    };
    if (existsSync(configPath)) image.configPath = configPath;
    const version = build === "release" ? (manifest.releaseBinaryVersion ?? manifest.sourceVersion) : manifest.sourceVersion;
    image.version = version;
    found[build] = image;
  }
  return found;
}

function readManifest(path: string): Manifest | undefined {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, "utf8"));
  } catch {
    return undefined;
  }
  if (typeof value !== "object" || value === null) return undefined;
  const record = value as Record<string, unknown>;
  if (typeof record.sourceVersion !== "string" || typeof record.builds !== "object" || record.builds === null) return undefined;
  const builds: Partial<Record<XenBuild, ManifestBuild>> = {};
  for (const name of ["release", "debug"] as const) {
    const raw = (record.builds as Record<string, unknown>)[name];
    if (typeof raw !== "object" || raw === null) continue;
    const build = raw as Record<string, unknown>;
    if (typeof build.image !== "string" || typeof build.config !== "string") continue;
    const entry: ManifestBuild = { image: build.image, config: build.config, debug: build.debug === true, pv32: build.pv32 === true };
    if (typeof build.imageSha256 === "string") entry.imageSha256 = build.imageSha256;
    builds[name] = entry;
  }
  const manifest: Manifest = { sourceVersion: record.sourceVersion, builds };
  if (typeof record.releaseBinaryVersion === "string") manifest.releaseBinaryVersion = record.releaseBinaryVersion;
  if (typeof record.createdAt === "string") manifest.createdAt = record.createdAt;
  return manifest;
}

function imageProblem(path: string, sha256: string | undefined): string | undefined {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch {
    return `${path} is missing`;
  }
  if (sha256 !== undefined && createHash("sha256").update(bytes).digest("hex") !== sha256) return `${path} does not match its recorded checksum`;
  return undefined;
}

/** A user-given image whose build cannot be told: no configuration found and none embedded. */
export class XenImageError extends Error {
  override readonly name = "XenImageError";
}

export interface DescribeOptions {
  /** A .config to read instead of looking for one. */
  configPath?: string;
  /** Where gunzipped images are kept (default: a folder under the system's temporary directory). */
  unpackDir?: string;
}

/**
 * What a user-given Xen image is. The build configuration comes from, in this order: the file
 * given; the copy embedded in the image (CONFIG_HYPFS_CONFIG, on by default: it is the image's
 * own, so it cannot be stale); `<image>.config` beside it (Debian's /boot layout); the `.config`
 * of the Xen tree the image was built in. A found file that disagrees with the embedded copy is
 * named in `notes`. Throws XenImageError when none is found: the build must then be given.
 */
export function describeImage(path: string, options: DescribeOptions = {}): XenImage {
  const given = resolve(path);
  let bytes: Buffer;
  try {
    bytes = readFileSync(given);
  } catch (error) {
    throw new XenImageError(`cannot read the Xen image ${given}: ${(error as Error).message}`);
  }
  let elfPath = given;
  if (isGzip(bytes)) {
    try {
      bytes = gunzipSync(bytes);
    } catch (error) {
      throw new XenImageError(`${given} looks gzip'd but does not gunzip: ${(error as Error).message}`);
    }
    elfPath = unpacked(bytes, given, options.unpackDir);
  }
  if (!isElf(bytes)) {
    const hint = bytes.subarray(0, 2).toString("latin1") === "MZ" ? " (a PE image such as xen.efi: give xen/xen or xen.gz instead)" : "";
    throw new XenImageError(`${given} is not an ELF image${hint}: QEMU's multiboot loader needs the xen ELF (xen/xen in a built tree)`);
  }

  const notes: string[] = [];
  const embedded = embeddedConfig(bytes);
  let config: { text: string; from: NonNullable<XenImage["configFrom"]>; path?: string } | undefined;
  if (options.configPath !== undefined) {
    const configPath = resolve(options.configPath);
    let text: string;
    try {
      text = readFileSync(configPath, "utf8");
    } catch (error) {
      throw new XenImageError(`cannot read the build configuration ${configPath}: ${(error as Error).message}`);
    }
    config = { text, from: "given", path: configPath };
  } else if (embedded !== undefined) {
    config = { text: embedded, from: "embedded" };
  }
  const found = findConfigFile(given);
  if (config === undefined && found !== undefined) config = { text: found.text, from: found.from, path: found.path };
  if (config === undefined) {
    throw new XenImageError(
      `cannot tell how ${given} was built: it embeds no configuration (CONFIG_HYPFS_CONFIG off) and no .config was found beside it (${given}.config) or in its tree (xen/.config); give its .config, or say its build (debug or release) and whether it has CONFIG_PV32`,
    );
  }
  const values = parseConfig(config.text);
  const image: XenImage = { path: elfPath, build: values.get("CONFIG_DEBUG") === "y" ? "debug" : "release", pv32: pv32Of(values), configFrom: config.from };
  if (config.path !== undefined) image.configPath = config.path;
  const version = configVersion(config.text) ?? (embedded === undefined ? undefined : configVersion(embedded));
  if (version !== undefined) image.version = version;
  if (embedded !== undefined && config.from !== "embedded") {
    if (!sameBuild(parseConfig(embedded), values)) {
      notes.push(`the configuration ${config.path ?? ""} disagrees with the one embedded in the image on CONFIG_DEBUG or CONFIG_PV32; using the ${config.from} one`);
    }
  } else if (embedded !== undefined && found !== undefined) {
    // A file beside the image or in its tree: named as its configuration only when it agrees
    // with the image's own (a reader of configPath must not get a stale one).
    if (sameBuild(parseConfig(found.text), values)) image.configPath = found.path;
    else notes.push(`${found.path} disagrees with the configuration embedded in the image on CONFIG_DEBUG or CONFIG_PV32 (stale?); using the embedded one`);
  }
  if (notes.length > 0) image.notes = notes;
  return image;
}

/** A .config beside the image or in the Xen tree it was built in. */
function findConfigFile(image: string): { text: string; from: "beside" | "tree"; path: string } | undefined {
  const beside = [`${image}.config`];
  // Debian's /boot/xen-4.17-amd64.gz sits beside /boot/xen-4.17-amd64.config.
  if (image.endsWith(".gz")) beside.push(`${image.slice(0, -3)}.config`);
  for (const path of beside) {
    const text = readText(path);
    if (text !== undefined) return { text, from: "beside", path };
  }
  // A tree: the image is xen/xen (or xen/xen.gz) and the configuration xen/.config, next to
  // xen/Kconfig (which tells Xen's own folder from any other folder holding a .config).
  let folder = dirname(image);
  for (let depth = 0; depth < 4; depth++) {
    for (const candidate of [folder, join(folder, "xen")]) {
      if (!existsSync(join(candidate, "Kconfig"))) continue;
      const path = join(candidate, ".config");
      const text = readText(path);
      if (text !== undefined) return { text, from: "tree", path };
    }
    const parent = dirname(folder);
    if (parent === folder) break;
    folder = parent;
  }
  return undefined;
}

function readText(path: string): string | undefined {
  try {
    if (!statSync(path).isFile()) return undefined;
    return readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
}

function isGzip(bytes: Buffer): boolean {
  return bytes.length > 18 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

function isElf(bytes: Buffer): boolean {
  return bytes.length > 4 && bytes.readUInt32BE(0) === 0x7f454c46;
}

/** Writes a gunzipped image once per content (named by its hash), atomically. */
function unpacked(bytes: Buffer, original: string, unpackDir: string | undefined): string {
  const folder = unpackDir ?? join(tmpdir(), "hvabi-xen-images");
  mkdirSync(folder, { recursive: true });
  const digest = createHash("sha256").update(bytes).digest("hex").slice(0, 16);
  const target = join(folder, `${basename(original).replace(/\.gz$/, "")}-${digest}`);
  if (existsSync(target) && statSync(target).size === bytes.length) return target;
  const temporary = `${target}.${process.pid}.tmp`;
  writeFileSync(temporary, bytes);
  renameSync(temporary, target);
  return target;
}

/**
 * The build configuration Xen embeds with CONFIG_HYPFS_CONFIG (common/Makefile: config.gz, the
 * gzip'd .config, linked in as xen_config_data). Found by scanning for gzip members and keeping
 * the one that inflates to a Kconfig file and whose trailer (CRC-32 and length, RFC 1952) checks:
 * a chance match of the magic bytes cannot pass both.
 */
export function embeddedConfig(image: Buffer): string | undefined {
  const magic = Buffer.from([0x1f, 0x8b, 0x08]);
  let tried = 0;
  for (let at = image.indexOf(magic); at !== -1 && tried < 256; at = image.indexOf(magic, at + 1)) {
    tried++;
    const text = gzipMemberAt(image, at);
    if (text !== undefined && /^# Automatically generated file; DO NOT EDIT\.$/m.test(text) && /^CONFIG_/m.test(text)) return text;
  }
  return undefined;
}

function gzipMemberAt(image: Buffer, at: number): string | undefined {
  const flags = image[at + 3];
  if (flags === undefined || (flags & 0xe0) !== 0) return undefined;
  let offset = at + 10;
  // FEXTRA, FNAME, FCOMMENT, FHCRC (RFC 1952 2.3.1).
  if (flags & 0x04) offset += 2 + image.readUInt16LE(offset);
  if (flags & 0x08) offset = image.indexOf(0, offset) + 1;
  if (flags & 0x10) offset = image.indexOf(0, offset) + 1;
  if (flags & 0x02) offset += 2;
  if (offset <= at || offset >= image.length) return undefined;
  let inflated: Buffer;
  try {
    // Stops at the end of the deflate stream; what follows (the trailer, other data) is left.
    inflated = inflateRawSync(image.subarray(offset, Math.min(image.length, offset + 4 * 1024 * 1024)), {
      finishFlush: zlibConstants.Z_SYNC_FLUSH,
      maxOutputLength: 8 * 1024 * 1024,
    });
  } catch {
    return undefined;
  }
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(crc32(inflated) >>> 0, 0);
  trailer.writeUInt32LE(inflated.length >>> 0, 4);
  const trailerAt = image.indexOf(trailer, offset);
  // The trailer follows the compressed data, which is never longer than the text plus a little.
  if (trailerAt === -1 || trailerAt - offset > inflated.length + 1024) return undefined;
  return inflated.toString("utf8");
}

/** Kconfig values: "y", "n" for "# CONFIG_X is not set", or the assigned text. */
export function parseConfig(text: string): Map<string, string> {
  const values = new Map<string, string>();
  for (const line of text.split("\n")) {
    const set = /^(CONFIG_[A-Za-z0-9_]+)=(.*)$/.exec(line);
    if (set !== null) values.set(set[1]!, set[2]!.replace(/^"(.*)"$/, "$1"));
    const unset = /^# (CONFIG_[A-Za-z0-9_]+) is not set$/.exec(line);
    if (unset !== null) values.set(unset[1]!, "n");
  }
  return values;
}

function sameBuild(a: Map<string, string>, b: Map<string, string>): boolean {
  return (a.get("CONFIG_DEBUG") === "y") === (b.get("CONFIG_DEBUG") === "y") && pv32Of(a) === pv32Of(b);
}

/** 32-bit PV: CONFIG_PV32 (Xen 4.15 and later); before it, 32-bit PV came with CONFIG_PV. */
function pv32Of(values: Map<string, string>): boolean {
  const pv32 = values.get("CONFIG_PV32");
  if (pv32 !== undefined) return pv32 === "y";
  return values.get("CONFIG_PV") === "y";
}

/** "4.17.5" from Kconfig's header "# Xen/x86 4.17.5 Configuration". */
function configVersion(text: string): string | undefined {
  return /^# Xen\/\S+ (\S+) Configuration$/m.exec(text)?.[1];
}

/** dpkg's version order (epoch, upstream, revision; "~" before anything, letters before other characters). */
export function compareDebianVersions(a: string, b: string): number {
  const split = (version: string): [number, string, string] => {
    const colon = version.indexOf(":");
    const epoch = colon === -1 ? 0 : Number(version.slice(0, colon)) || 0;
    const rest = colon === -1 ? version : version.slice(colon + 1);
    const dash = rest.lastIndexOf("-");
    return dash === -1 ? [epoch, rest, ""] : [epoch, rest.slice(0, dash), rest.slice(dash + 1)];
  };
  const [epochA, upstreamA, revisionA] = split(a);
  const [epochB, upstreamB, revisionB] = split(b);
  if (epochA !== epochB) return Math.sign(epochA - epochB);
  return comparePart(upstreamA, upstreamB) || comparePart(revisionA, revisionB);
}

function order(char: string | undefined): number {
  if (char === undefined) return 0;
  if (char === "~") return -1;
  if (/[A-Za-z]/.test(char)) return char.charCodeAt(0);
  return char.charCodeAt(0) + 256;
}

function comparePart(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    // Non-digit run, character by character.
    while ((i < a.length && !/\d/.test(a[i]!)) || (j < b.length && !/\d/.test(b[j]!))) {
      const ca = i < a.length && !/\d/.test(a[i]!) ? a[i] : undefined;
      const cb = j < b.length && !/\d/.test(b[j]!) ? b[j] : undefined;
      const diff = order(ca) - order(cb);
      if (diff !== 0) return Math.sign(diff);
      if (ca !== undefined) i++;
      if (cb !== undefined) j++;
    }
    // Digit run, as a number.
    let na = "";
    let nb = "";
    while (i < a.length && /\d/.test(a[i]!)) na += a[i++];
    while (j < b.length && /\d/.test(b[j]!)) nb += b[j++];
    const diff = Number(na || "0") - Number(nb || "0");
    if (diff !== 0) return Math.sign(diff);
  }
  return 0;
}
