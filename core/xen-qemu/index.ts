/**
 * `--core xen-qemu [options]`: real Xen under QEMU. Without options it boots the two images
 * `npm run setup:xen` made (Debian's release build and a debug build with CONFIG_PV32);
 * options choose others:
 *
 *   --xen PATH            a Xen image of your own (ELF or .gz; its build configuration is read
 *                         from the image, from PATH.config, or from the .config of its tree)
 *   --config FILE         the .config of the --xen before it, when none can be found
 *   --label NAME          how reports name the --xen before it (default: its file name)
 *   --build release|debug only the set-up's image of that build
 *   --qemu PROGRAM        the QEMU program (default qemu-system-x86_64)
 *   --console-dir DIR     keep every boot's serial console in DIR (boot-N.log)
 */
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import type { Core } from "../interface";
import { XenQemuCore, XenQemuError, xenImage } from "./core";
import type { XenImage } from "./hosts";
import { describeImage, embeddedConfig, findXenImages, setupHint, XenImageError } from "./xen-images";

export { XenQemuError } from "./core";

export const XEN_QEMU_USAGE = "xen-qemu [--xen PATH [--config FILE] [--label NAME]]… [--build release|debug] [--qemu PROGRAM] [--console-dir DIR]";

export interface XenQemuArguments {
  images: { path: string; config?: string; label?: string }[];
  build?: "release" | "debug";
  qemu?: string;
  consoleDir?: string;
}

export function parseXenQemuArguments(argv: readonly string[]): XenQemuArguments {
  const parsed: XenQemuArguments = { images: [] };
  for (let i = 0; i < argv.length; i++) {
    const option = argv[i];
    const value = argv[i + 1];
    if (value === undefined || value.startsWith("--")) throw new XenQemuError(`xen-qemu: ${option} needs a value (${XEN_QEMU_USAGE})`);
    i++;
    const last = parsed.images.at(-1);
    switch (option) {
      case "--xen":
        parsed.images.push({ path: value });
        break;
      case "--config":
      case "--label":
        if (last === undefined) throw new XenQemuError(`xen-qemu: ${option} belongs after the --xen it describes`);
        if (option === "--config") last.config = value;
        else last.label = value;
        break;
      case "--build":
        if (value !== "release" && value !== "debug") throw new XenQemuError(`xen-qemu: --build is release or debug, not "${value}"`);
        parsed.build = value;
        break;
      case "--qemu":
        parsed.qemu = value;
        break;
      case "--console-dir":
        parsed.consoleDir = value;
        break;
      default:
        throw new XenQemuError(`xen-qemu: unknown option ${option} (${XEN_QEMU_USAGE})`);
    }
  }
  return parsed;
}

function configText(image: { path: string; configPath?: string }): string {
  if (image.configPath !== undefined) return readFileSync(image.configPath, "utf8");
  const embedded = embeddedConfig(readFileSync(image.path));
  if (embedded === undefined) throw new XenQemuError(`cannot tell how ${image.path} was built: give its .config with --config`);
  return embedded;
}

/** The images a run boots, from the options or the set-up's cache. */
export function imagesFor(args: XenQemuArguments): XenImage[] {
  if (args.images.length > 0) {
    return args.images.map((given) => {
      try {
        const described = describeImage(given.path, given.config === undefined ? {} : { configPath: given.config });
        return xenImage(given.label ?? basename(given.path), described.path, configText(described));
      } catch (error) {
        if (error instanceof XenImageError) throw new XenQemuError(error.message);
        throw error;
      }
    });
  }
  const cached = findXenImages();
  if (cached === undefined) throw new XenQemuError(setupHint());
  const images: XenImage[] = [];
  for (const build of ["release", "debug"] as const) {
    const image = cached[build];
    if (image === undefined || (args.build !== undefined && args.build !== build)) continue;
    images.push(xenImage(build, image.path, configText(image)));
  }
  if (images.length === 0) throw new XenQemuError(`${setupHint()}${cached.problems.length ? ` (${cached.problems.join("; ")})` : ""}`);
  return images;
}

export async function createXenQemuCore(argv: readonly string[] = []): Promise<Core> {
  const args = parseXenQemuArguments(argv);
  return XenQemuCore.start({
    images: imagesFor(args),
    ...(args.qemu === undefined ? {} : { qemu: args.qemu }),
    ...(args.consoleDir === undefined ? {} : { consoleDir: args.consoleDir }),
  });
}

/** As a module core: `hvabi run --core ./dist/core/xen-qemu/index.js`. */
export default (): Promise<Core> => createXenQemuCore(process.env.HVABI_XEN_QEMU_ARGS?.split(" ").filter((a) => a !== "") ?? []);
