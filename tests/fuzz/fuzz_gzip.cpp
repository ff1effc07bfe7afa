// Gzip-compressed event files: the fuzz input is compressed (as one gzip member, as two
// members, which gzip tools write when files are concatenated, and as three members
// whose headers carry a name, a comment, extra data and a header CRC) and read as
// events and as profiles, the format sniffed from the content. The result must be the
// result of reading the same bytes uncompressed.
#include <zlib.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "tests/fuzz/fuzz_common.h"
#include "tests/fuzz/read_dump.h"

namespace {

std::string gzip_member(std::string_view in, bool header_fields = false) {
  z_stream zs{};
  scorec::fuzz::check(deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) == Z_OK,
                      "deflateInit2 failed");
  static char name[] = "events.csv", comment[] = "fuzz", extra[] = "XY\x02\x00ab";
  gz_header head{};
  if (header_fields) {
    head.name = reinterpret_cast<Bytef*>(name);
    head.comment = reinterpret_cast<Bytef*>(comment);
    head.extra = reinterpret_cast<Bytef*>(extra);
    head.extra_len = sizeof extra - 1;
    head.hcrc = 1;
    scorec::fuzz::check(deflateSetHeader(&zs, &head) == Z_OK, "deflateSetHeader failed");
  }
  std::string out(deflateBound(&zs, in.size()) + 32, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = static_cast<uInt>(in.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  int rc = deflate(&zs, Z_FINISH);
  scorec::fuzz::check(rc == Z_STREAM_END, "deflate did not finish");
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::string plain = scorec::fuzz::scratch_path("input");
  static const std::string one = scorec::fuzz::scratch_path("input.gz");
  static const std::string two = scorec::fuzz::scratch_path("two_members.gz");
  static const std::string three = scorec::fuzz::scratch_path("three_members.gz");
  const auto& program = scorec::fuzz::fixed_program("schema.score");
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  // Plain bytes that start like gzip are themselves decompressed: not the same data.
  if (bytes.substr(0, 2) == "\x1f\x8b") return 0;
  // read_dump writes each file's own path as <input>; data that names one of the other
  // scratch files (libFuzzer learns the paths from string comparisons) would then read
  // differently by design, not by a bug.
  if (bytes.find(scorec::fuzz::scratch_path("")) != std::string_view::npos) return 0;
  scorec::fuzz::write_file(plain, bytes);
  scorec::fuzz::write_file(one, gzip_member(bytes));
  scorec::fuzz::write_file(two, gzip_member(bytes.substr(0, size / 2)) + gzip_member(bytes.substr(size / 2)));
  scorec::fuzz::write_file(three, gzip_member(bytes.substr(0, size / 3), true) + gzip_member("", true) +
                                      gzip_member(bytes.substr(size / 3), true));
  for (const auto& mode : scorec::fuzz::read_modes()) {
    std::string want = scorec::fuzz::read_dump(plain, program, mode);
    std::string got = scorec::fuzz::read_dump(one, program, mode);
    scorec::fuzz::check(want == got, "the gzip file reads differently from the same bytes uncompressed\n--- plain:\n" +
                                         want + "--- gzip:\n" + got);
    got = scorec::fuzz::read_dump(two, program, mode);
    scorec::fuzz::check(want == got, "the two-member gzip file reads differently from the same bytes uncompressed\n"
                                     "--- plain:\n" + want + "--- gzip:\n" + got);
    got = scorec::fuzz::read_dump(three, program, mode);
    scorec::fuzz::check(want == got, "the three-member gzip file with named headers reads differently from the same "
                                     "bytes uncompressed\n--- plain:\n" + want + "--- gzip:\n" + got);
  }
  return 0;
}
