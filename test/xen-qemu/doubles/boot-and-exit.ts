// Starts one boot of the fake QEMU (scenario "grandchild": it hangs) in a process of its own,
// says "booting" once Xen's first line is in, then leaves as told by argv[3]: "exit" calls
// process.exit, "signal" waits to be killed with SIGTERM or SIGINT by the test. Either way the
// fake QEMU and its grandchild must not survive this process (qemu.ts's clean-up).
import { bootXen } from "../../../core/xen-qemu/qemu";

const [dir, how] = process.argv.slice(2);
if (dir === undefined || (how !== "exit" && how !== "signal")) throw new Error("usage: boot-and-exit.ts <dir> exit|signal");
let told = false;
void bootXen(
  {
    xenImage: `${dir}/xen`,
    xenCommandLine: `fake=grandchild fake-dir=${dir}`,
    dom0Kernel: `${dir}/kernel.elf`,
    cpu: "max",
    memoryMiB: 512,
    timeoutMs: 60_000,
    qemu: `${__dirname}/fake-qemu.js`,
  },
  {
    onLine(line) {
      if (told || !line.startsWith("(XEN)")) return;
      told = true;
      process.stdout.write("booting\n");
      if (how === "exit") setTimeout(() => process.exit(0), 50);
    },
  },
);
