#!/usr/bin/env bash
# Sets up real Xen under QEMU for hvabi's xen-qemu core (npm run setup:xen), as root on Debian:
#   - installs QEMU (software emulation) and Debian's release build of Xen 4.17;
#   - builds a second hypervisor from Debian's xen source package with CONFIG_DEBUG=y and
#     CONFIG_PV32=y;
#   - keeps both images, their build configurations and a manifest.json in a cache outside
#     the repository, keyed by source version: ${HVABI_XEN_CACHE:-/var/cache/hvabi/xen}/<version>/;
#   - builds the PV test kernel (core/xen-qemu/kernel).
# Idempotent: a second run finds the cache complete and costs seconds. Never reads stdin.
#
# The functions are usable on their own (test/xen-qemu/setup-xen.test.ts sources this file with
# HVABI_SETUP_XEN_LIBRARY=1 and calls them); main runs only when the file is executed.
set -euo pipefail

readonly XEN_PKG=xen-hypervisor-4.17-amd64
readonly BOOT_IMAGE=/boot/xen-4.17-amd64.gz
readonly BOOT_CONFIG=/boot/xen-4.17-amd64.config
readonly DEBSRC_FILE=/etc/apt/sources.list.d/hvabi-deb-src.sources
# What the hypervisor build needs beyond a compiler: dpkg-source (dpkg-dev) unpacks the source
# package with Debian's patches, flex and bison build Kconfig, python3 runs build scripts, and
# Debian's banner patch asks lsb_release for the distribution name.
readonly BUILD_DEPS=(flex bison dpkg-dev python3 gcc make xz-utils lsb-release)

say() { printf 'setup-xen: %s\n' "$*"; }
warn() { printf 'setup-xen: warning: %s\n' "$*" >&2; }
die() {
  printf 'setup-xen: error: %s\n' "$1" >&2
  shift
  local line
  for line in "$@"; do printf '  %s\n' "$line" >&2; done
  exit 1
}

# apt-get without prompts; waits for a dpkg lock held by someone else instead of failing at once.
# Keeps changed configuration files without asking (the downgrade of the hypervisor package
# must not stop at a dpkg prompt).
apt_get() {
  apt-get -y -q -o DPkg::Lock::Timeout=600 -o APT::Sandbox::User=root \
    -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold "$@"
}

# Prints the tail of a log and where the whole of it is.
show_log_tail() {
  local log=$1 lines=${2:-40}
  printf -- '--- last %s lines of %s ---\n' "$lines" "$log" >&2
  tail -n "$lines" "$log" >&2 || true
  printf -- '--- end of %s ---\n' "$log" >&2
}

# deb-src stanzas (deb822) mirroring the Debian `deb` entries of one deb822 .sources file on
# stdin. Only enabled stanzas whose URIs name a Debian archive (…/debian, …/debian-security, a
# mirror or snapshot of them) are mirrored: other vendors' repositories have no xen source.
debsrc_from_deb822() {
  awk '
    function flush() {
      if (types ~ /(^|[ \t])deb([ \t]|$)/ && enabled !~ /^[ \t]*no[ \t]*$/ && uris ~ /debian/) {
        printf "%sTypes: deb-src\nURIs:%s\nSuites:%s\nComponents:%s\n", (n++ ? "\n" : ""), uris, suites, components
        if (signed != "") printf "Signed-By:%s\n", signed
      }
      types = ""; uris = ""; suites = ""; components = ""; signed = ""; enabled = ""; field = ""
    }
    /^[ \t]*#/ { next }
    /^[ \t]*$/ { flush(); next }
    /^[ \t]/ { if (field == "signed-by") signed = signed "\n" $0; next }
    {
      key = tolower(substr($0, 1, index($0, ":") - 1)); value = substr($0, index($0, ":") + 1); field = key
      if (key == "types") types = value
      else if (key == "uris") uris = value
      else if (key == "suites") suites = value
      else if (key == "components") components = value
      else if (key == "signed-by") signed = value
      else if (key == "enabled") enabled = value
    }
    END { flush() }
  '
}

# The same for one-line `deb [options] uri suite components…` entries (sources.list format).
debsrc_from_one_line() {
  awk '
    /^[ \t]*deb[ \t]/ {
      sub(/#.*/, ""); $1 = ""; line = $0; signed = ""
      if (match(line, /\[[^]]*\]/)) {
        options = substr(line, RSTART + 1, RLENGTH - 2); line = substr(line, RSTART + RLENGTH)
        count = split(options, option, /[ \t]+/)
        for (i = 1; i <= count; i++) if (option[i] ~ /^signed-by=/) signed = substr(option[i], 11)
      }
      count = split(line, word, /[ \t]+/); j = 0
      for (i = 1; i <= count; i++) if (word[i] != "") rest[++j] = word[i]
      if (j < 3 || rest[1] !~ /debian/) next
      components = rest[3]; for (i = 4; i <= j; i++) components = components " " rest[i]
      printf "%sTypes: deb-src\nURIs: %s\nSuites: %s\nComponents: %s\n", (n++ ? "\n" : ""), rest[1], rest[2], components
      if (signed != "") printf "Signed-By: %s\n", signed
    }
  '
}

# deb-src stanzas for every Debian `deb` entry of the apt configuration under $1 (default /etc/apt).
debsrc_stanzas() {
  local root=${1:-/etc/apt} file out=""
  local -a parts=()
  for file in "$root"/sources.list.d/*.sources; do
    [[ -f $file && $file != "$root/sources.list.d/$(basename "$DEBSRC_FILE")" ]] || continue
    out=$(debsrc_from_deb822 <"$file")
    [[ -n $out ]] && parts+=("$out")
  done
  for file in "$root"/sources.list "$root"/sources.list.d/*.list; do
    [[ -f $file ]] || continue
    out=$(debsrc_from_one_line <"$file")
    [[ -n $out ]] && parts+=("$out")
  done
  local first=1 part
  for part in "${parts[@]}"; do
    ((first)) || printf '\n'
    first=0
    printf '%s\n' "$part"
  done
}

# Source versions of package xen that apt knows, newest first.
xen_source_versions() {
  local -a versions=()
  local version i j
  mapfile -t versions < <(apt-cache showsrc xen 2>/dev/null | awk '
    /^Package: / { package = $2 }
    /^Version: / && package == "xen" { print $2 }
  ' | sort -u)
  # Insertion sort with dpkg's ordering (sort -V does not know Debian's ~ and epochs).
  for ((i = 1; i < ${#versions[@]}; i++)); do
    version=${versions[i]}
    for ((j = i - 1; j >= 0; j--)); do
      dpkg --compare-versions "${versions[j]}" lt "$version" || break
      versions[j + 1]=${versions[j]}
    done
    versions[j + 1]=$version
  done
  ((${#versions[@]} == 0)) || printf '%s\n' "${versions[@]}"
}

# The value ("y", "n" when "is not set", or empty when absent) of a Kconfig option in a .config.
config_value() {
  local option=$1 file=$2
  if grep -q "^$option=y$" "$file"; then echo y
  elif grep -q "^# $option is not set$" "$file"; then echo n
  else { grep "^$option=" "$file" || true; } | tail -n 1 | cut -d= -f2-
  fi
}

# A cache entry is complete when its manifest names this version and every file it lists is
# present with the recorded checksum (so a truncated copy is never taken for a build).
cache_entry_complete() {
  local entry=$1 version=$2
  [[ -f $entry/manifest.json ]] || return 1
  command -v python3 >/dev/null || return 1
  python3 - "$entry" "$version" <<'EOF' 2>/dev/null
import hashlib, json, os, sys
entry, version = sys.argv[1], sys.argv[2]
manifest = json.load(open(os.path.join(entry, "manifest.json")))
if manifest.get("sourceVersion") != version:
    sys.exit(1)
for name in ("release", "debug"):
    build = manifest["builds"][name]
    for key in ("image", "config"):
        path = os.path.join(entry, build[key])
        digest = hashlib.sha256(open(path, "rb").read()).hexdigest()
        if digest != build[key + "Sha256"]:
            sys.exit(1)
EOF
}

installed_version() {
  dpkg-query -W -f='${Status}|${Version}\n' "$1" 2>/dev/null | awk -F'|' '$1 == "install ok installed" { print $2 }'
}

# Versions of a binary package apt could install.
binary_versions() {
  apt-cache madison "$1" 2>/dev/null | awk -F'|' '{ gsub(/[ \t]/, "", $2); print $2 }'
}

ensure_packages() {
  local -a missing=()
  local package
  for package in "$@"; do
    [[ -n $(installed_version "${package%%=*}") ]] || missing+=("$package")
  done
  ((${#missing[@]} == 0)) && return 0
  say "installing ${missing[*]}"
  local log=$LOG_DIR/apt-install.log
  apt_get install --no-install-recommends "${missing[@]}" >"$log" 2>&1 || {
    show_log_tail "$log" 20
    die "apt-get install ${missing[*]} failed" "see $log; check the network and 'apt-get update', then run npm run setup:xen again"
  }
}

apt_update() {
  local log=$LOG_DIR/apt-update.log
  say "apt-get update"
  apt_get update >"$log" 2>&1 || {
    show_log_tail "$log" 20
    die "apt-get update failed" "see $log; fix the apt configuration or the network, then run npm run setup:xen again"
  }
}

# Makes `apt-cache showsrc xen` find the source package, adding deb-src entries when needed.
ensure_deb_src() {
  [[ -n $(xen_source_versions) ]] && return 0
  local stanzas
  stanzas=$(debsrc_stanzas /etc/apt)
  if [[ -z $stanzas ]]; then
    die "apt knows no source of package xen and no Debian 'deb' entry was found to mirror as deb-src" \
      "add a deb-src entry, e.g. this line to /etc/apt/sources.list:" \
      "  deb-src http://deb.debian.org/debian bookworm main" \
      "then run: apt-get update && npm run setup:xen"
  fi
  say "no deb-src entry finds package xen: writing $DEBSRC_FILE (deb-src for the Debian deb entries)"
  printf '# Written by hvabi scripts/setup-xen.sh: Debian source packages (the xen source it builds).\n%s\n' "$stanzas" >"$DEBSRC_FILE"
  apt_update
  if [[ -z $(xen_source_versions) ]]; then
    rm -f "$DEBSRC_FILE"
    die "apt still knows no source of package xen after adding deb-src entries (removed $DEBSRC_FILE again)" \
      "add a deb-src entry for a Debian archive that carries xen, e.g. this line to /etc/apt/sources.list:" \
      "  deb-src http://deb.debian.org/debian bookworm main" \
      "then run: apt-get update && npm run setup:xen"
  fi
}

# Downloads the source package of xen $1 into $2; fails (quietly, with a log) when the archive
# lists it but does not serve it (bookworm-security lists sources it does not carry).
download_source() {
  local version=$1 dir=$2 upstream=${1%-*}
  local orig="xen_${upstream#*:}.orig.tar.xz"
  mkdir -p "$dir"
  if [[ -f $dir/xen_${version#*:}.dsc && -f $dir/$orig ]]; then return 0; fi
  (cd "$dir" && apt_get source --download-only "xen=$version") >"$dir/download.log" 2>&1 &&
    [[ -f $dir/xen_${version#*:}.dsc && -f $dir/$orig ]]
}

# Builds the debug + PV32 hypervisor of source version $1 (.dsc $2) into directory $3.
build_debug() {
  local version=$1 dsc=$2 out=$3 work=$4
  local tree=$work/src log=$work/build.log
  say "building the debug + PV32 hypervisor from xen $version (a few CPU-minutes; log: $log)"
  {
    echo "+ dpkg-source -x $dsc"
    dpkg-source -x "$dsc" "$tree" &&
      cp "$BOOT_CONFIG" "$tree/xen/.config" &&
      printf 'CONFIG_DEBUG=y\nCONFIG_PV32=y\n' >>"$tree/xen/.config" &&
      echo "+ make -C xen olddefconfig" &&
      make -C "$tree/xen" "${XEN_MAKE_ARGS[@]}" olddefconfig
  } >"$log" 2>&1 || {
    preserve_log "$log"
    show_log_tail "$KEPT_LOG" 20
    die "unpacking or configuring the xen source failed" "the whole log: $KEPT_LOG" \
      "install what it misses (build dependencies: ${BUILD_DEPS[*]}) and run npm run setup:xen again"
  }
  local option
  for option in CONFIG_DEBUG CONFIG_PV32; do
    if [[ $(config_value "$option" "$tree/xen/.config") != y ]]; then
      preserve_log "$log"
      die "$option=y did not survive 'make olddefconfig' (a dependency is missing from the release configuration?)" \
        "see $tree/xen/.config and $KEPT_LOG"
    fi
  done
  {
    echo "+ make -C xen -j$(nproc)"
    make -C "$tree/xen" "${XEN_MAKE_ARGS[@]}" -j"$(nproc)"
  } >>"$log" 2>&1 || {
    preserve_log "$log"
    show_log_tail "$KEPT_LOG" 40
    die "building the debug hypervisor failed" "the whole log: $KEPT_LOG" \
      "install what it misses (build dependencies: ${BUILD_DEPS[*]}) and run npm run setup:xen again"
  }
  cp "$tree/xen/xen" "$out/xen-debug"
  cp "$tree/xen/.config" "$out/xen-debug.config"
  cp "$log" "$out/xen-debug.build.log"
}

# Keeps a failed build's log where the user can read it after the temporary tree is removed.
preserve_log() {
  mkdir -p "$CACHE_ROOT/logs"
  KEPT_LOG=$CACHE_ROOT/logs/xen-debug-$(date -u +%Y%m%dT%H%M%SZ).log
  cp "$1" "$KEPT_LOG"
}

write_manifest() {
  local out=$1 version=$2 binary_version=$3
  python3 - "$out" "$version" "$binary_version" <<'EOF'
import datetime, hashlib, json, os, sys
out, version, binary_version = sys.argv[1:4]

def config(path):
    values = {}
    for line in open(path):
        line = line.strip()
        if line.startswith("CONFIG_") and "=" in line:
            key, value = line.split("=", 1)
            values[key] = value
    return values

def sha256(name):
    return hashlib.sha256(open(os.path.join(out, name), "rb").read()).hexdigest()

builds = {}
for name in ("release", "debug"):
    image, conf = "xen-" + name, "xen-" + name + ".config"
    values = config(os.path.join(out, conf))
    builds[name] = {
        "image": image,
        "config": conf,
        "debug": values.get("CONFIG_DEBUG") == "y",
        "pv32": values.get("CONFIG_PV32") == "y",
        "imageSha256": sha256(image),
        "configSha256": sha256(conf),
    }
manifest = {
    "sourceVersion": version,
    "releaseBinaryVersion": binary_version,
    "sameSourceVersion": binary_version == version,
    "builds": builds,
    "createdAt": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
}
with open(os.path.join(out, "manifest.json"), "w") as f:
    json.dump(manifest, f, indent=2)
    f.write("\n")
EOF
}

main() {
  local started=$SECONDS
  export DEBIAN_FRONTEND=noninteractive CI=${CI:-true}
  local repo
  repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

  # 1. Where we are.
  [[ $(id -u) -eq 0 ]] || die "run as root (apt-get needs it): sudo npm run setup:xen"
  local tool
  for tool in apt-get apt-cache dpkg; do
    command -v "$tool" >/dev/null || die "$tool not found: this set-up needs Debian's apt (Debian 12 'bookworm' or a derivative)" \
      "elsewhere install QEMU and a Xen 4.17 hypervisor yourself and point hvabi at the image (--core \"xen-qemu --xen <image>\")"
  done
  local codename=""
  [[ -r /etc/os-release ]] && codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
  [[ $codename == bookworm ]] ||
    warn "this is not Debian 12 'bookworm' (VERSION_CODENAME=${codename:-unknown}): the set-up expects the xen-hypervisor-4.17-amd64 package of bookworm; continuing"

  CACHE_ROOT=${HVABI_XEN_CACHE:-/var/cache/hvabi/xen}
  mkdir -p "$CACHE_ROOT" || die "cannot create the cache directory $CACHE_ROOT" "set HVABI_XEN_CACHE to a writable directory"
  CACHE_ROOT=$(cd "$CACHE_ROOT" && pwd)
  LOG_DIR=$CACHE_ROOT/logs
  mkdir -p "$LOG_DIR"
  # One set-up at a time per cache: a second one waits instead of building the same thing twice.
  exec 9>"$CACHE_ROOT/.lock"
  flock 9
  # Temporary trees of a run that was killed outright (they never become entries; see step 4).
  rm -rf "$CACHE_ROOT"/.tmp-*

  # 2. The xen source package. Without any cache entry, refresh apt's lists first so the choice
  # is made from the archive as it is now; with one, the lists apt has are enough (no network).
  local have_entry=0 entry
  for entry in "$CACHE_ROOT"/*/manifest.json; do [[ -f $entry ]] && have_entry=1; done
  if ((have_entry == 0)) || [[ -z $(xen_source_versions) ]]; then apt_update; fi
  ensure_deb_src

  # 3. The version: the newest the archive lists AND serves. Triage cites source lines, so the
  # release binary and the debug build should come from the same source version; a listed
  # source that cannot be downloaded (bookworm-security lists 4.17.7 but serves no source for
  # it) is no use for the debug build, so the release binary follows the source we can build.
  local -a candidates=()
  mapfile -t candidates < <(xen_source_versions)
  local version="" candidate dsc="" downloads=$CACHE_ROOT/downloads
  for candidate in "${candidates[@]}"; do
    if cache_entry_complete "$CACHE_ROOT/$candidate" "$candidate"; then
      version=$candidate
      break
    fi
    say "downloading the source of xen $candidate"
    if download_source "$candidate" "$downloads/$candidate"; then
      version=$candidate
      dsc=$downloads/$candidate/xen_${candidate#*:}.dsc
      break
    fi
    warn "xen $candidate is listed but its source cannot be downloaded ($(grep -m1 -E '^(E|Err):' "$downloads/$candidate/download.log" || echo "see $downloads/$candidate/download.log")); trying an older one"
  done
  if [[ -z $version ]]; then
    die "could not download the source of any xen version apt lists (${candidates[*]})" \
      "logs: $downloads/*/download.log; check the network and the deb-src entries, then run npm run setup:xen again"
  fi

  # QEMU and the release hypervisor of the same version.
  ensure_packages qemu-system-x86
  local binary_version installed
  local offered
  installed=$(installed_version "$XEN_PKG")
  # Captured first: with pipefail, grep -q closing the pipe early could fail the pipeline.
  offered=$(binary_versions "$XEN_PKG")
  if grep -qxF "$version" <<<"$offered"; then
    binary_version=$version
  else
    binary_version=$(apt-cache policy "$XEN_PKG" | awk '/Candidate:/ { print $2 }')
    [[ -n $binary_version && $binary_version != "(none)" ]] || die "apt offers no $XEN_PKG" "check the deb entries of bookworm main, then apt-get update"
    warn "no $XEN_PKG binary of version $version: installing $binary_version; the release binary and the debug build then come from different source versions (source lines cited in triage are the debug build's)"
  fi
  if [[ $installed != "$binary_version" ]]; then
    local cached_release=0
    cache_entry_complete "$CACHE_ROOT/$version" "$version" && cached_release=1
    if ((cached_release)) && [[ -n $installed ]]; then
      # The cache holds its own copy of the release image: hvabi does not need /boot to match.
      warn "$XEN_PKG $installed is installed, the cache's release image is $binary_version (kept; hvabi uses the cache's copy)"
    else
      say "installing $XEN_PKG=$binary_version${installed:+ (replacing $installed)}"
      local log=$LOG_DIR/apt-install.log
      apt_get install --no-install-recommends --allow-downgrades "$XEN_PKG=$binary_version" >"$log" 2>&1 || {
        show_log_tail "$log" 20
        die "apt-get install $XEN_PKG=$binary_version failed" "see $log"
      }
    fi
  fi

  # 4. The cache entry.
  local target=$CACHE_ROOT/$version status="up to date"
  if ! cache_entry_complete "$target" "$version"; then
    status="built"
    ensure_packages "${BUILD_DEPS[@]}"
    [[ -f $BOOT_IMAGE && -f $BOOT_CONFIG ]] || die "$BOOT_IMAGE or $BOOT_CONFIG missing although $XEN_PKG is installed" "reinstall it: apt-get install --reinstall $XEN_PKG"
    installed=$(installed_version "$XEN_PKG")
    [[ $installed == "$binary_version" ]] || die "$XEN_PKG $installed is installed, expected $binary_version" "run: apt-get install --allow-downgrades $XEN_PKG=$binary_version"
    # Temporary trees live in the cache (same file system: the final rename is atomic) and are
    # removed on any exit, so an interrupted build never leaves a half entry behind.
    local work
    work=$(mktemp -d "$CACHE_ROOT/.tmp-XXXXXX")
    # shellcheck disable=SC2064 # expand now: $work is local
    trap "rm -rf '$work'" EXIT
    local out=$work/entry
    mkdir -p "$out"
    gzip -dc "$BOOT_IMAGE" >"$out/xen-release"
    cp "$BOOT_CONFIG" "$out/xen-release.config"
    # Debian's banner patch stamps the package version into the image: check it is this one.
    grep -aqF "$binary_version" "$out/xen-release" ||
      die "$BOOT_IMAGE does not carry version $binary_version" "reinstall the package: apt-get install --reinstall $XEN_PKG=$binary_version"
    XEN_MAKE_ARGS=(XEN_TARGET_ARCH=x86_64 WGET=/bin/false GIT=/bin/false
      "EXTRA_CFLAGS_XEN_CORE=-ffile-prefix-map=$work/src=. -fdebug-prefix-map=$work/src=.")
    [[ -n $dsc ]] || die "internal error: no .dsc for $version"
    # The banner of the debug build names the Debian version it was built from, as the release's does.
    export DEB_VERSION=$version
    DEB_MAINTAINER=$(sed -n 's/^Maintainer: //p' "$dsc" | head -n 1)
    export DEB_MAINTAINER
    build_debug "$version" "$dsc" "$out" "$work"
    write_manifest "$out" "$version" "$binary_version"
    # Replace any stale entry in two renames: readers see the old entry or the new one, never a mix.
    if [[ -e $target ]]; then mv -T "$target" "$work/old"; fi
    mv -T "$out" "$target"
    rm -rf "$work"
    trap - EXIT
  fi

  # 5. The PV test kernel.
  local kernel_dir=$repo/core/xen-qemu/kernel
  if [[ -f $kernel_dir/Makefile ]]; then
    local log=$LOG_DIR/kernel-build.log
    make -C "$kernel_dir" >"$log" 2>&1 || {
      show_log_tail "$log" 30
      die "building the PV test kernel failed (make -C $kernel_dir)" "see $log"
    }
  fi

  # 6. Summary.
  local same="same source version"
  [[ $binary_version == "$version" ]] || same="DIFFERENT source versions"
  say "done ($status) in $((SECONDS - started)) s"
  say "  xen source version:    $version"
  say "  release binary:        $XEN_PKG $binary_version ($same)"
  say "  release image:         $target/xen-release"
  say "  debug + PV32 image:    $target/xen-debug"
  say "  manifest:              $target/manifest.json"
  say "  qemu:                  $(qemu-system-x86_64 --version 2>/dev/null | head -n 1 || echo missing)"
  if [[ -f $kernel_dir/Makefile ]]; then say "  PV test kernel:        $kernel_dir/build"; fi
}

if [[ -z ${HVABI_SETUP_XEN_LIBRARY:-} ]]; then main "$@"; fi
