/**
 * An example core in TypeScript, run straight from its source:
 *
 *     hvabi run --core ./examples/version-core.ts
 *
 * It is an independent, deliberately small reading of the grant-table clauses
 * about versions (GNTTAB-PHYSINFO-CAPS, GNTTAB-GETVER, GNTTAB-SETVER-*,
 * GNTTAB-DOMAIN-MAXVER): it implements `boot`, `physinfo`,
 * `gnttab_set_version` and `gnttab_get_version`, so every case using another
 * operation is skipped by the runner, and it skips the cases it cannot model
 * itself (a command line, requested state or console output) with a reason.
 *
 * A module core exports (as default, or as `core`) a CaseExecutor like this
 * one, a Core with a batch `run`, or a function returning either.
 */
import type { CaseExecutor, CaseInput, CaseOutcome, StepObservation } from "../core/interface";
import type { DomainConfig } from "../spec/types/generated";
import { loadSpec } from "../spec";

interface Domain {
  privileged: boolean;
  maxVersion: number;
  version: number;
}

const spec = loadSpec();
const DOMID_SELF = spec.data<{ domidSelf: number }>("xen/model.json").domidSelf;
/** The grant_opts bits holding a domain's maximum version (GNTTAB-DOMAIN-MAXVER). */
const GRANT_OPTS_VERSION_MASK = 0xfn;

/** The host maximum without a `gnttab=` option (GNTTAB-DEFAULTS-X86, -ARM, -SEED). */
function defaultHostMax(input: CaseInput): number {
  return input.profile === "xen-4.22" && input.config.xen.arch === "arm64" ? 1 : 2;
}

/** Why this example cannot model the case, if it cannot. */
function unmodelled(input: CaseInput): string | undefined {
  const { xen } = input.config;
  if (xen.cmdline !== "" || xen.builtinCmdline !== "") return "the example core does not parse Xen command lines";
  if (xen.kconfig.GRANT_TABLE === false) return "the example core models only builds with CONFIG_GRANT_TABLE";
  if (input.steps.some((step) => (step.observe?.state?.length ?? 0) > 0)) return "the example core reports no state keys";
  if (input.steps.some((step) => step.observe?.log === true)) return "the example core does not record console output";
  return undefined;
}

class Host {
  readonly domains = new Map<number, Domain>();

  constructor(readonly maxVersion: number) {}

  /** The toolstack's domain creation (GNTTAB-TOOLSTACK-DEFAULT, GNTTAB-DOMAIN-CREATE-*); undefined when refused. */
  create(config: DomainConfig): Domain | undefined {
    const requested = config.grantOpts !== undefined ? BigInt(config.grantOpts) : BigInt(config.maxGrantVersion ?? this.maxVersion);
    const maxVersion = Number(requested & GRANT_OPTS_VERSION_MASK);
    if ((requested & ~GRANT_OPTS_VERSION_MASK) !== 0n || maxVersion === 0 || maxVersion > this.maxVersion) return undefined;
    const domain = { privileged: config.privileged ?? false, maxVersion, version: 1 };
    this.domains.set(config.domid ?? 1, domain);
    return domain;
  }
}

function physinfo(host: Host): StepObservation {
  return { result: "ok", returns: { "cap.gnttab_v1": host.maxVersion >= 1, "cap.gnttab_v2": host.maxVersion >= 2 } };
}

function setVersion(caller: Domain, version: number): StepObservation {
  const writtenBack = (): StepObservation["returns"] => ({ version: caller.version });
  if (version !== 1 && version !== 2) return { result: "EINVAL", returns: writtenBack() };
  if (version === 2 && caller.maxVersion < 2) return { result: "ENOSYS", returns: writtenBack() };
  // No entry can be in use: this core has no operation that fills one, so a switch never meets EBUSY or ERANGE.
  caller.version = version;
  return { result: "ok", returns: writtenBack() };
}

function getVersion(host: Host, caller: Domain, target: number): StepObservation {
  const domain = target === DOMID_SELF ? caller : host.domains.get(target);
  if (domain === undefined) return { result: "ESRCH" };
  if (domain !== caller && !caller.privileged) return { result: "EPERM" };
  return { result: "ok", returns: { version: domain.version } };
}

function execute(input: CaseInput): CaseOutcome {
  const why = unmodelled(input);
  if (why !== undefined) return { kind: "skipped", reason: why };
  const host = new Host(defaultHostMax(input));
  const createDomains = (): string | undefined => {
    for (const config of input.config.domains) {
      if (host.create(config) === undefined) return `config.domains: creating d${config.domid ?? 1} was refused`;
    }
    return undefined;
  };
  const steps: StepObservation[] = [];
  let domainsCreated = false;
  for (const step of input.steps) {
    if (!domainsCreated && step.op !== "boot") {
      const refused = createDomains();
      if (refused !== undefined) return { kind: "errored", message: refused };
      domainsCreated = true;
    }
    const caller = (dom: number): Domain | undefined => host.domains.get(dom);
    switch (step.op) {
      case "boot": {
        const refused = createDomains();
        if (refused !== undefined) return { kind: "errored", message: refused };
        domainsCreated = true;
        steps.push({ result: "ok" });
        break;
      }
      case "physinfo":
        steps.push(physinfo(host));
        break;
      case "gnttab_set_version":
      case "gnttab_get_version": {
        const domain = caller(step.args.dom ?? 1);
        if (domain === undefined) return { kind: "errored", message: `the calling domain d${step.args.dom ?? 1} does not exist` };
        steps.push(step.op === "gnttab_set_version" ? setVersion(domain, step.args.version) : getVersion(host, domain, step.args.target));
        break;
      }
      default:
        return { kind: "skipped", reason: `the example core does not implement ${step.op}` };
    }
  }
  return { kind: "observed", steps };
}

const versionCore: CaseExecutor = {
  description: {
    name: "example-version-core",
    version: "1.0.0",
    profiles: ["xen-4.22", "seed-proposals"],
    areas: ["gnttab"],
    operations: ["boot", "physinfo", "gnttab_set_version", "gnttab_get_version"],
    about: "examples/version-core.ts: a small TypeScript core for the grant-table version clauses, loaded through ts-node.",
  },
  execute,
};

export default versionCore;
