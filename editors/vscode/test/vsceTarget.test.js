// Owns: unit tests of scripts/vsce-target.js: the VSIX target read from an executable's header.
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const { vsceTarget } = require('../scripts/vsce-target');

/** An ELF header: class (1 = 32-bit, 2 = 64-bit), little-endian, machine; then `tail` bytes. */
function elf(cls, machine, tail = '') {
  const b = Buffer.alloc(64);
  b.writeUInt32BE(0x7f454c46, 0);
  b[4] = cls;
  b[5] = 1;
  b.writeUInt16LE(machine, 18);
  return Buffer.concat([b, Buffer.from(tail)]);
}

function macho(cpu) {
  const b = Buffer.alloc(32);
  b.writeUInt32LE(0xfeedfacf, 0);
  b.writeUInt32LE(cpu, 4);
  return b;
}

function pe(machine) {
  const b = Buffer.alloc(0x90);
  b.write('MZ', 0);
  b.writeUInt32LE(0x80, 0x3c);
  b.writeUInt32BE(0x50450000, 0x80);
  b.writeUInt16LE(machine, 0x84);
  return b;
}

test('Linux: x86-64, aarch64 and 32-bit ARM', () => {
  assert.equal(vsceTarget(elf(2, 62, '/lib64/ld-linux-x86-64.so.2')), 'linux-x64');
  assert.equal(vsceTarget(elf(2, 183)), 'linux-arm64');
  assert.equal(vsceTarget(elf(1, 40)), 'linux-armhf');
});

test('a binary that loads musl is for Alpine; a static one for any Linux', () => {
  assert.equal(vsceTarget(elf(2, 62, '\0/lib/ld-musl-x86_64.so.1\0')), 'alpine-x64');
  assert.equal(vsceTarget(elf(2, 183, '\0/lib/ld-musl-aarch64.so.1\0')), 'alpine-arm64');
});

test('macOS and Windows, by CPU', () => {
  assert.equal(vsceTarget(macho(0x01000007)), 'darwin-x64');
  assert.equal(vsceTarget(macho(0x0100000c)), 'darwin-arm64');
  assert.equal(vsceTarget(pe(0x8664)), 'win32-x64');
  assert.equal(vsceTarget(pe(0xaa64)), 'win32-arm64');
});

test('no target for what VS Code does not run on, nor for non-executables', () => {
  assert.throws(() => vsceTarget(elf(1, 3)), /machine 3/); // i386
  assert.throws(() => vsceTarget(elf(1, 62)), /32-bit ELF/); // x32
  assert.throws(() => vsceTarget(Buffer.from([0xca, 0xfe, 0xba, 0xbe, 0, 0, 0, 2])), /universal/);
  assert.throws(() => vsceTarget(Buffer.from('{"name": "x"}')), /not an ELF, Mach-O or PE/);
  assert.throws(() => vsceTarget(Buffer.from('MZ')), /too short/);
});

test('this machine’s own node binary gets its platform', () => {
  const own = `${process.platform}-${process.arch}`; // linux-x64, darwin-arm64, ... (glibc Linux)
  assert.equal(vsceTarget(fs.readFileSync(process.execPath)), own);
});
