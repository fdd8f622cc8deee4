// SHA-256 (FIPS 180-4), for checking downloaded datasets (internal).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

namespace cgym::datasets_internal {

/// An incremental SHA-256.
class Sha256 {
 public:
  Sha256();
  void update(const void* data, size_t size);
  void update(std::string_view data) { update(data.data(), data.size()); }
  /// The digest as 64 lowercase hex characters. Ends the computation.
  std::string hex_digest();

 private:
  void block(const uint8_t* p);
  std::array<uint32_t, 8> h_;
  std::array<uint8_t, 64> buf_{};
  size_t buf_len_ = 0;
  uint64_t total_ = 0;
};

/// The SHA-256 of a file's contents. Throws IoError.
std::string sha256_file(const std::filesystem::path& path);

}  // namespace cgym::datasets_internal
