// The gzip byte source (runtime/io/gzip_stream.h): members with every optional header
// field, split across reads at every size; empty members; truncation at every byte;
// damaged trailers, headers and data; other data after the last member. Each error is
// returned after every byte inflated before it.
#include <zlib.h>

#include <algorithm>
#include <cstring>

#include "io_test_util.h"
#include "runtime/io/gzip_stream.h"
#include "runtime/io/input_stream.h"

namespace scorec::runtime::testing {
namespace {


struct HeaderFields {
  std::string name, comment, extra;
  bool hcrc = false;
};

// One gzip member written by zlib, with the optional header fields asked for.
std::string gzip_member(const std::string& text, const HeaderFields& h = {}, int level = Z_DEFAULT_COMPRESSION) {
  z_stream zs{};
  EXPECT_EQ(deflateInit2(&zs, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), Z_OK);
  gz_header head{};
  std::string name = h.name, comment = h.comment, extra = h.extra;
  head.name = name.empty() ? Z_NULL : reinterpret_cast<Bytef*>(name.data());
  head.comment = comment.empty() ? Z_NULL : reinterpret_cast<Bytef*>(comment.data());
  head.extra = extra.empty() ? Z_NULL : reinterpret_cast<Bytef*>(extra.data());
  head.extra_len = static_cast<uInt>(extra.size());
  head.hcrc = h.hcrc ? 1 : 0;
  head.os = 3;
  EXPECT_EQ(deflateSetHeader(&zs, &head), Z_OK);
  std::string out(deflateBound(&zs, text.size()) + 1024, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
  zs.avail_in = static_cast<uInt>(text.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(deflate(&zs, Z_FINISH), Z_STREAM_END);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

struct ReadResult {
  std::string bytes;  // everything delivered before the end or the error
  std::optional<Error> error;
};

ReadResult read_gzip(const std::string& gz, size_t in_step = 1 << 20, size_t out_step = 1 << 20,
                     size_t input_block = kGzipInputBlock) {
  auto s = gzip_stream(std::make_unique<MemoryStream>(gz, "mem.gz", in_step), input_block);
  ReadResult r;
  std::string buf(out_step, '\0');
  for (;;) {
    auto got = s->read(buf.data(), buf.size());
    if (!got) {
      r.error = got.error();
      // The error stays: the next read returns it again.
      auto again = s->read(buf.data(), buf.size());
      EXPECT_FALSE(again.ok());
      if (!again.ok()) EXPECT_EQ(again.error().str(), r.error->str());
      return r;
    }
    if (*got == 0) return r;
    r.bytes.append(buf.data(), *got);
  }
}

std::string text_of(size_t n, uint32_t seed) {
  std::string s;
  uint32_t x = seed;
  while (s.size() < n) {
    x = x * 1664525u + 1013904223u;
    s += "u" + std::to_string(x % 100000) + ",email_open," + std::to_string(1719792000 + (x >> 12) % 5000) + "\n";
  }
  s.resize(n);
  return s;
}

const std::string kTruncated = "mem.gz: cannot decompress: the gzip data ends early (a truncated file?)";
std::string trailing_at(size_t offset) {
  return "mem.gz: data that is not gzip follows the compressed data at byte offset " + std::to_string(offset) +
         " (concatenated gzip files are read, other data is not)";
}

TEST(GzipStream, EveryHeaderFieldAndEveryReadSizeReadTheSame) {
  std::string a = text_of(150000, 1), c = text_of(5000, 3);
  std::string gz = gzip_member(a, {"events.csv", "exported nightly", std::string("AB\x04\0xyzw", 8), true}) +
                   gzip_member("") + gzip_member(c, {"c.csv", "", "", true}, 0) +
                   gzip_member(c, {"", "note", "", false});
  const std::string want = a + c + c;
  // Tiny input blocks split every header field, the deflate data and the trailer; tiny
  // output reads stop the inflater anywhere in a block.
  for (size_t input_block : {size_t{1}, size_t{2}, size_t{3}, size_t{7}, size_t{64}, size_t{4093}, kGzipInputBlock})
    for (size_t out_step : {size_t{5}, size_t{4096}, size_t{1} << 20}) {
      if (input_block < 8 && out_step < 64) continue;  // slow and adds nothing over (7, 5)
      auto r = read_gzip(gz, 1 << 20, out_step, input_block);
      ASSERT_FALSE(r.error) << "input block " << input_block << ", read " << out_step << ": " << r.error->str();
      ASSERT_EQ(r.bytes.size(), want.size()) << "input block " << input_block << ", read " << out_step;
      ASSERT_TRUE(r.bytes == want) << "input block " << input_block << ", read " << out_step;
    }
  // A source that hands out fewer bytes than asked for.
  auto r = read_gzip(gz, 3, 1000, 100);
  ASSERT_FALSE(r.error) << r.error->str();
  EXPECT_TRUE(r.bytes == want);
}

TEST(GzipStream, EmptyMembersReadAsNothing) {
  auto r = read_gzip(gzip_member(""));
  EXPECT_FALSE(r.error);
  EXPECT_EQ(r.bytes, "");
  r = read_gzip(gzip_member("") + gzip_member("") + gzip_member("x\n") + gzip_member(""));
  EXPECT_FALSE(r.error);
  EXPECT_EQ(r.bytes, "x\n");
}

TEST(GzipStream, EmptyGzipFileReadsAsEmpty) {
  TempDir dir;
  auto in = InputStream::open(dir.write("empty.csv.gz", gzip_member("")));
  ASSERT_TRUE(in.ok()) << in.error().str();
  ChunkBuffer buf(std::move(*in));
  auto more = buf.fill();
  ASSERT_TRUE(more.ok()) << more.error().str();
  EXPECT_FALSE(*more);
  EXPECT_EQ(buf.size(), 0u);
  EXPECT_TRUE(buf.eof());
}

TEST(GzipStream, TruncatedAtEveryByte) {
  std::string first = gzip_member(text_of(3000, 5), {"a.csv", "", "", true});
  std::string second = gzip_member(text_of(2000, 6), {"b.csv", "", "", false});
  std::string gz = first + second;
  for (size_t len = 2; len < gz.size(); ++len) {
    auto r = read_gzip(gz.substr(0, len), 1 << 20, 1000, 61);
    if (len == first.size()) {  // the end falls between members: a whole file
      EXPECT_FALSE(r.error) << len;
      EXPECT_EQ(r.bytes, text_of(3000, 5));
      continue;
    }
    ASSERT_TRUE(r.error) << "a file cut to " << len << " bytes read without an error";
    // One or two bytes after a member are too short to be one: other data.
    std::string want = len > first.size() && len <= first.size() + 2 ? trailing_at(first.size()) : kTruncated;
    EXPECT_EQ(r.error->str(), want) << len;
    // What came before the cut was delivered, and nothing else.
    EXPECT_EQ(r.bytes, (text_of(3000, 5) + text_of(2000, 6)).substr(0, r.bytes.size())) << len;
  }
}

TEST(GzipStream, DamagedTrailerIsAnErrorAfterTheData) {
  std::string text = text_of(100000, 7);
  std::string gz = gzip_member(text);
  const std::string want =
      "mem.gz: cannot decompress: the CRC-32 or length in the trailer of the gzip member at byte "
      "offset 0 does not match its data (a corrupted file?)";
  for (size_t back : {8, 5, 4, 1}) {  // the CRC-32's first and last byte, the length's
    std::string bad = gz;
    bad[bad.size() - back] ^= 0x20;
    auto r = read_gzip(bad, 1 << 20, 4096, 997);
    ASSERT_TRUE(r.error) << back;
    EXPECT_EQ(r.error->str(), want);
    EXPECT_TRUE(r.bytes == text) << "every byte before the trailer is delivered first";
  }
  // The same in a second member names its offset.
  std::string first = gzip_member("ok\n");
  std::string bad = first + gz;
  bad[bad.size() - 6] ^= 1;
  auto r = read_gzip(bad);
  ASSERT_TRUE(r.error);
  EXPECT_NE(r.error->message.find("gzip member at byte offset " + std::to_string(first.size())), std::string::npos)
      << r.error->message;
}

TEST(GzipStream, DamagedDeflateDataIsAnError) {
  std::string text = text_of(200000, 8);
  std::string gz = gzip_member(text);
  for (size_t at : {size_t{12}, gz.size() / 3, gz.size() / 2, gz.size() - 12}) {
    std::string bad = gz;
    for (size_t i = at; i < at + 4; ++i) bad[i] = static_cast<char>(~bad[i]);
    auto r = read_gzip(bad, 1 << 20, 4096, 1000);
    ASSERT_TRUE(r.error) << "damage at " << at << " went unnoticed";
    // Invalid data, a CRC that does not match, or a block length that runs past the end.
    EXPECT_EQ(r.error->message.rfind("cannot decompress: ", 0), 0u) << r.error->message;
  }
}

TEST(GzipStream, DamagedHeadersAreErrors) {
  std::string gz = gzip_member("a\n");
  std::string bad = gz;
  bad[2] = 7;  // compression method
  EXPECT_EQ(read_gzip(bad).error->str(),
            "mem.gz: cannot decompress: the gzip header names compression method 7 (only 8, deflate, exists) "
            "(gzip member at byte offset 0)");
  bad = gz;
  bad[3] = static_cast<char>(0x20);  // a reserved flag
  EXPECT_EQ(read_gzip(bad).error->str(),
            "mem.gz: cannot decompress: the gzip header sets reserved flags (0x20) (gzip member at byte offset 0)");
  std::string named = gzip_member("a\n", {"a.csv", "", "", true});
  bad = named;
  bad[12] ^= 1;  // a letter of the name, under the header CRC
  EXPECT_EQ(read_gzip(bad, 1 << 20, 1 << 20, 3).error->str(),
            "mem.gz: cannot decompress: the gzip header does not match its header CRC (gzip member at byte offset 0)");
  // In a second member, a damaged header that starts with the magic bytes is damage, not other data.
  bad = gz + gz;
  bad[gz.size() + 2] = 9;
  EXPECT_EQ(read_gzip(bad).error->str(),
            "mem.gz: cannot decompress: the gzip header names compression method 9 (only 8, deflate, exists) "
            "(gzip member at byte offset " +
                std::to_string(gz.size()) + ")");
}

TEST(GzipStream, OtherDataAfterTheLastMemberIsAnError) {
  std::string gz = gzip_member("u1,email_open,1\n");
  for (std::string tail : {std::string("\x1f"), std::string("\x1f\x8b"), std::string(512, '\0'), std::string("u2\n"),
                           std::string("\x1f\x00", 2)}) {
    for (size_t input_block : {size_t{1}, size_t{5}, kGzipInputBlock}) {
      auto r = read_gzip(gz + gz + tail, 1 << 20, 1 << 20, input_block);
      ASSERT_TRUE(r.error) << "tail of " << tail.size() << " bytes";
      EXPECT_EQ(r.error->str(), trailing_at(2 * gz.size()));
      EXPECT_EQ(r.bytes, "u1,email_open,1\nu1,email_open,1\n") << "the members before it are delivered";
    }
  }
}

}  // namespace
}  // namespace scorec::runtime::testing
