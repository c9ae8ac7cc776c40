#!/usr/bin/env python3
"""Drop the symbol versions an ELF shared object needs only through weak references, in place:
those references become unversioned (as if linked against a C library that lacked the symbol).

The GNU linker binds a weak reference to the version of the C library it links against (Rust std's
weak `gettid` to GLIBC_2.30, `statx` to GLIBC_2.28) and records that version as needed, so an
older glibc's dynamic loader refuses the whole library ("version `GLIBC_2.30' not found") although
the code checks the weak symbol for NULL and falls back. Unversioned, the loader binds such a
symbol to the C library's default version where it exists and leaves it NULL where it does not;
that is also what Rust's own glibc-2.17-linked binaries look like. (Flagging the version
VER_FLG_WEAK instead works too, but every program start on an older glibc then prints "weak
version ... not found".) Versions that any non-weak reference needs are left as they are. Used by
scripts/glibc_floor.sh; prints what it changed.

    scripts/weak_verneed.py LIB.so
"""
import struct
import sys

SHT_DYNSYM, SHT_GNU_VERNEED, SHT_GNU_VERSYM = 11, 0x6FFFFFFE, 0x6FFFFFFF
STB_WEAK = 2


def main(path):
    with open(path, "r+b") as f:
        data = bytearray(f.read())
        if data[:4] != b"\x7fELF":
            sys.exit(f"{path}: not an ELF file")
        is64, end = data[4] == 2, "<" if data[5] == 1 else ">"
        if is64:
            shoff, = struct.unpack_from(end + "Q", data, 0x28)
            shentsize, shnum = struct.unpack_from(end + "HH", data, 0x3A)
        else:
            shoff, = struct.unpack_from(end + "I", data, 0x20)
            shentsize, shnum = struct.unpack_from(end + "HH", data, 0x2E)
        sections = []
        for i in range(shnum):
            o = shoff + i * shentsize
            if is64:
                _, typ, _, _, off, size, link, _, _, entsize = struct.unpack_from(end + "IIQQQQIIQQ", data, o)
            else:
                _, typ, _, _, off, size, link, _, _, entsize = struct.unpack_from(end + "IIIIIIIIII", data, o)
            sections.append((typ, off, size, link, entsize))
        find = lambda t: next((s for s in sections if s[0] == t), None)
        dynsym, verneed, versym = find(SHT_DYNSYM), find(SHT_GNU_VERNEED), find(SHT_GNU_VERSYM)
        if not (dynsym and verneed and versym):
            print(f"{path}: no symbol versions needed; nothing to do")
            return
        strtab = sections[verneed[3]][1]
        name = lambda o: data[strtab + o:data.index(b"\0", strtab + o)].decode()

        # Per needed version index: the bindings of the undefined symbols that use it.
        binds = {}
        for i in range(dynsym[2] // dynsym[4]):
            o = dynsym[1] + i * dynsym[4]
            if is64:
                _, info, _, shndx = struct.unpack_from(end + "IBBH", data, o)
            else:
                info, _, shndx = struct.unpack_from(end + "BBH", data, o + 12)
            ver, = struct.unpack_from(end + "H", data, versym[1] + 2 * i)
            if shndx == 0 and (ver & 0x7FFF) > 1:
                binds.setdefault(ver & 0x7FFF, set()).add(info >> 4)

        # Which needed versions only weak references use, and which symbols those are.
        weak_only = {v for v, b in binds.items() if b == {STB_WEAK}}
        dropped = 0
        o = verneed[1]
        while True:
            _, cnt, vfile, aux, nxt = struct.unpack_from(end + "HHIII", data, o)
            auxes, a = [], o + aux
            for _ in range(cnt):
                _, flags, other, vname, anext = struct.unpack_from(end + "IHHII", data, a)
                auxes.append((a, other, vname))
                a += anext
            keep = [x for x in auxes if x[1] not in weak_only]
            for a, other, vname in auxes:
                if other in weak_only:
                    print(f"{path}: {name(vname)} ({name(vfile)}) is needed only by weak references: dropped")
                    dropped += 1
            if keep and len(keep) < len(auxes):
                # Unlink the dropped entries: the kept ones stay where they are, in order.
                struct.pack_into(end + "H", data, o + 2, len(keep))
                struct.pack_into(end + "I", data, o + 8, keep[0][0] - o)
                for i, (a, _, _) in enumerate(keep):
                    struct.pack_into(end + "I", data, a + 12, keep[i + 1][0] - a if i + 1 < len(keep) else 0)
            elif not keep:
                sys.exit(f"{path}: every version of {name(vfile)} is weak-only; not handled")
            if not nxt:
                break
            o += nxt
        # The weak references to those versions become unversioned (VER_NDX_GLOBAL).
        for i in range(versym[2] // 2):
            ver, = struct.unpack_from(end + "H", data, versym[1] + 2 * i)
            if (ver & 0x7FFF) in weak_only:
                struct.pack_into(end + "H", data, versym[1] + 2 * i, 1)
        if not dropped:
            print(f"{path}: no version is needed by weak references only")
        f.seek(0)
        f.write(data)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
