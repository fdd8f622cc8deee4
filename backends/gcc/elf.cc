#include "backends/gcc/elf.h"

#include <cstring>

#include "cgym/errors.h"

namespace cgym::gcc {

namespace {

constexpr uint64_t kShfAlloc = 0x2;
constexpr uint64_t kShfExecInstr = 0x4;
constexpr uint32_t kShtNobits = 8;

// Reads an unsigned integer of N bytes at `off` in the file's byte order;
// the caller has checked the bounds.
template <typename T>
T read_uint(std::string_view data, size_t off, bool little) {
  T v = 0;
  for (size_t i = 0; i < sizeof(T); ++i) {
    const auto byte = static_cast<T>(static_cast<unsigned char>(data[off + i]));
    v |= little ? byte << (8 * i) : byte << (8 * (sizeof(T) - 1 - i));
  }
  return v;
}

[[noreturn]] void bad(const std::string& what) {
  throw InvalidArgument("not a valid ELF64 object: " + what);
}

}  // namespace

std::vector<ElfSection> read_elf64_sections(std::string_view data) {
  if (data.size() < 64)
    bad("shorter than an ELF64 header (" + std::to_string(data.size()) + " bytes)");
  if (std::memcmp(data.data(),
                  "\x7f"
                  "ELF",
                  4) != 0)
    bad("no ELF magic number");
  if (data[4] != 2) bad("not a 64-bit ELF file (EI_CLASS " + std::to_string(int(data[4])) + ")");
  const bool little = data[5] == 1;
  if (!little && data[5] != 2)
    bad("unknown byte order (EI_DATA " + std::to_string(int(data[5])) + ")");

  const uint64_t shoff = read_uint<uint64_t>(data, 0x28, little);
  const uint16_t shentsize = read_uint<uint16_t>(data, 0x3A, little);
  uint64_t shnum = read_uint<uint16_t>(data, 0x3C, little);
  uint32_t shstrndx = read_uint<uint16_t>(data, 0x3E, little);
  if (shoff == 0) return {};
  if (shentsize < 64) bad("section header entries of " + std::to_string(shentsize) + " bytes");
  if (shoff > data.size() || data.size() - shoff < shentsize)
    bad("section header table outside the file");
  // Extended numbering: the real counts live in section 0.
  if (shnum == 0) shnum = read_uint<uint64_t>(data, shoff + 0x20, little);
  if (shstrndx == 0xffff) shstrndx = read_uint<uint32_t>(data, shoff + 0x28, little);
  if (shnum > (data.size() - shoff) / shentsize) bad("section header table outside the file");

  struct Raw {
    uint32_t name, type;
    uint64_t flags, offset, size;
  };
  std::vector<Raw> raw(shnum);
  for (uint64_t i = 0; i < shnum; ++i) {
    const size_t h = shoff + i * shentsize;
    raw[i] = {read_uint<uint32_t>(data, h, little), read_uint<uint32_t>(data, h + 4, little),
              read_uint<uint64_t>(data, h + 8, little), read_uint<uint64_t>(data, h + 0x18, little),
              read_uint<uint64_t>(data, h + 0x20, little)};
  }
  std::string_view strtab;
  if (shstrndx != 0) {
    if (shstrndx >= shnum)
      bad("section name table index " + std::to_string(shstrndx) + " out of range");
    const Raw& s = raw[shstrndx];
    if (s.offset > data.size() || s.size > data.size() - s.offset)
      bad("section name table outside the file");
    strtab = data.substr(s.offset, s.size);
  }
  std::vector<ElfSection> out;
  out.reserve(shnum);
  for (const Raw& r : raw) {
    ElfSection s;
    s.type = r.type;
    s.flags = r.flags;
    s.size = r.size;
    if (r.type != kShtNobits && r.type != 0 &&
        (r.offset > data.size() || r.size > data.size() - r.offset)) {
      bad("a section's contents lie outside the file");
    }
    if (!strtab.empty()) {
      if (r.name >= strtab.size()) bad("a section name lies outside the name table");
      const size_t end = strtab.find('\0', r.name);
      s.name = std::string(strtab.substr(
          r.name, end == std::string_view::npos ? std::string_view::npos : end - r.name));
    }
    out.push_back(std::move(s));
  }
  return out;
}

uint64_t elf64_text_size(std::string_view data) {
  uint64_t total = 0;
  for (const auto& s : read_elf64_sections(data)) {
    if ((s.flags & (kShfAlloc | kShfExecInstr)) == (kShfAlloc | kShfExecInstr)) total += s.size;
  }
  return total;
}

std::string make_ar_archive(const std::vector<std::pair<std::string, std::string>>& members) {
  auto field = [](std::string text, size_t width) {
    text.resize(width, ' ');
    return text;
  };
  std::string longnames;
  std::vector<std::string> names;
  for (const auto& [name, data] : members) {
    if (name.size() <= 15) {
      names.push_back(name + "/");
    } else {
      names.push_back("/" + std::to_string(longnames.size()));
      longnames += name + "/\n";
    }
  }
  std::string out = "!<arch>\n";
  auto member = [&](const std::string& name, const std::string& data, bool plain) {
    out += field(name, 16);
    out += field(plain ? "" : "0", 12);  // mtime 0 keeps archives deterministic
    out += field(plain ? "" : "0", 6);
    out += field(plain ? "" : "0", 6);
    out += field(plain ? "" : "644", 8);
    out += field(std::to_string(data.size()), 10);
    out += "`\n";
    out += data;
    if (data.size() % 2) out += '\n';
  };
  if (!longnames.empty()) member("//", longnames, true);
  for (size_t i = 0; i < members.size(); ++i) member(names[i], members[i].second, false);
  return out;
}

}  // namespace cgym::gcc
