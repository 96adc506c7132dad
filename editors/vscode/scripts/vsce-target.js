#!/usr/bin/env node
// Owns: naming the `vsce package --target` of a server binary from its own header (ELF, Mach-O or
// PE machine), so a VSIX that bundles a Linux x86-64 server is published as linux-x64 and never
// installed on a Mac. Usage: node scripts/vsce-target.js BINARY (prints the target).
'use strict';
const fs = require('fs');

const ELF_MACHINES = { 62: 'x64', 183: 'arm64', 40: 'armhf' }; // EM_X86_64, EM_AARCH64, EM_ARM
const MACHO_CPUS = { 0x01000007: 'x64', 0x0100000c: 'arm64' }; // CPU_TYPE_X86_64, CPU_TYPE_ARM64
const PE_MACHINES = { 0x8664: 'x64', 0xaa64: 'arm64' }; // IMAGE_FILE_MACHINE_AMD64, _ARM64

/** The vsce target of the executable in `buf`; throws an Error saying why when there is none. */
function vsceTarget(buf) {
  const need = (n) => {
    if (buf.length < n) throw new Error('too short to be an executable');
  };
  need(4);
  if (buf.readUInt32BE(0) === 0x7f454c46) {
    need(20);
    if (buf[5] !== 1) throw new Error('big-endian ELF: no VS Code target');
    const arch = ELF_MACHINES[buf.readUInt16LE(18)];
    const bits = buf[4] === 2 ? 64 : 32;
    if (!arch || bits !== (arch === 'armhf' ? 32 : 64)) {
      throw new Error(`${bits}-bit ELF for machine ${buf.readUInt16LE(18)}: no VS Code target`);
    }
    // A binary linked against musl names its loader (/lib/ld-musl-ARCH.so.1): Alpine's target
    // (vsce has none for 32-bit ARM). A static binary names none and runs on any Linux.
    const alpine = buf.includes('/ld-musl-') && arch !== 'armhf';
    return `${alpine ? 'alpine' : 'linux'}-${arch}`;
  }
  if (buf.readUInt32LE(0) === 0xfeedfacf) {
    need(8);
    const arch = MACHO_CPUS[buf.readUInt32LE(4)];
    if (!arch) throw new Error(`Mach-O CPU type 0x${buf.readUInt32LE(4).toString(16)}: no VS Code target`);
    return `darwin-${arch}`;
  }
  if (buf.readUInt32BE(0) === 0xcafebabe) throw new Error('universal Mach-O binary: package one VSIX per architecture');
  if (buf.readUInt16BE(0) === 0x4d5a) {
    need(0x40);
    const pe = buf.readUInt32LE(0x3c);
    need(pe + 6);
    if (buf.readUInt32BE(pe) !== 0x50450000) throw new Error('MZ file without a PE header');
    const arch = PE_MACHINES[buf.readUInt16LE(pe + 4)];
    if (!arch) throw new Error(`PE machine 0x${buf.readUInt16LE(pe + 4).toString(16)}: no VS Code target`);
    return `win32-${arch}`;
  }
  throw new Error('not an ELF, Mach-O or PE executable');
}

module.exports = { vsceTarget };

if (require.main === module) {
  const file = process.argv[2];
  try {
    if (!file) throw new Error('usage: vsce-target.js BINARY');
    process.stdout.write(vsceTarget(fs.readFileSync(file)) + '\n');
  } catch (e) {
    process.stderr.write(`vsce-target.js: ${file}: ${e.message}\n`);
    process.exit(2);
  }
}
