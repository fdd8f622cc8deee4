// Reading sizes out of ELF64 relocatable objects without another tool, and
// packing several objects into one `ar` archive.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cgym::gcc {

/// One section header of an ELF64 file.
struct ElfSection {
  std::string name;
  uint32_t type = 0;
  uint64_t flags = 0;
  uint64_t size = 0;
};

/// The section headers of a little- or big-endian ELF64 file. Throws
/// InvalidArgument saying what is malformed (not ELF, not 64-bit, a header
/// table or name outside the file).
std::vector<ElfSection> read_elf64_sections(std::string_view data);

/// The bytes of executable code: the sum of the sizes of the sections that
/// are allocated and executable (SHF_ALLOC | SHF_EXECINSTR: .text,
/// .text.startup, .text.unlikely, ...), which is what `size` reports as
/// text minus read-only data. Throws like read_elf64_sections().
uint64_t elf64_text_size(std::string_view data);

/// A System V / GNU `ar` archive of `members` (name, bytes), in order, as
/// `ar rc` writes it without a symbol table. Names longer than 15
/// characters go through the "//" long-name table.
std::string make_ar_archive(const std::vector<std::pair<std::string, std::string>>& members);

}  // namespace cgym::gcc
