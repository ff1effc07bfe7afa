#include "runtime/io/gzip_stream.h"

#include <fmt/format.h>
#include <isa-l/crc.h>
#include <isa-l/igzip_lib.h>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <vector>

namespace scorec::runtime {
namespace {

// RFC 1952 header flags.
constexpr uint8_t kFlagHcrc = 0x02, kFlagExtra = 0x04, kFlagName = 0x08, kFlagComment = 0x10;
constexpr uint8_t kFlagsReserved = 0xe0;
constexpr uint8_t kMethodDeflate = 8;

// The member header is parsed here rather than by isal_inflate (crc_flag ISAL_GZIP): that
// parser restarts with empty flags when a header is split across two reads, and would
// then skip a comment or header CRC after a name. This one keeps its place at any split.
class HeaderParser {
 public:
  enum class Step { Base, ExtraLen, Extra, Name, Comment, Hcrc, Done };

  // Consumes header bytes from `in` (advancing it), one step's bytes at a time, so the
  // running CRC covers every byte before the header CRC; a problem is returned as its message.
  std::optional<std::string> feed(uint8_t*& in, uint32_t& avail) {
    while (step_ != Step::Done && avail > 0) {
      uint8_t* start = in;
      if (auto err = step(in, avail)) return err;
      crc_ = crc32_gzip_refl(crc_, start, static_cast<uint64_t>(in - start));
    }
    return std::nullopt;
  }
  Step state() const { return step_; }
  // Header bytes consumed so far.
  uint64_t consumed() const { return consumed_; }
  // Whether the magic bytes were wrong (other data follows the last member).
  bool not_gzip() const { return not_gzip_; }

 private:
  std::optional<std::string> step(uint8_t*& in, uint32_t& avail) {
    switch (step_) {
      case Step::Base: {
        uint32_t k = std::min<uint32_t>(avail, 10 - have_);
        std::copy(in, in + k, base_ + have_);
        // The magic bytes are checked as they arrive, so one stray byte is reported as such.
        for (uint32_t i = have_; i < have_ + k && i < 2; ++i)
          if (base_[i] != (i == 0 ? 0x1f : 0x8b)) {
            not_gzip_ = true;
            return "not gzip data";
          }
        take(in, avail, k);
        have_ += k;
        if (have_ < 10) return std::nullopt;
        if (base_[2] != kMethodDeflate)
          return fmt::format("the gzip header names compression method {} (only 8, deflate, exists)", base_[2]);
        flags_ = base_[3];
        if (flags_ & kFlagsReserved) return fmt::format("the gzip header sets reserved flags (0x{:02x})", flags_);
        have_ = 0;
        next_after(Step::Base);
        return std::nullopt;
      }
      case Step::ExtraLen:
        pair_[have_++] = *in;
        take(in, avail, 1);
        if (have_ == 2) {
          extra_left_ = uint32_t{pair_[0]} | uint32_t{pair_[1]} << 8;
          have_ = 0;
          step_ = Step::Extra;
        }
        return std::nullopt;
      case Step::Extra: {
        uint32_t k = std::min(avail, extra_left_);
        take(in, avail, k);
        extra_left_ -= k;
        if (extra_left_ == 0) next_after(Step::Extra);
        return std::nullopt;
      }
      case Step::Name:
      case Step::Comment: {  // zero-terminated, any length, not kept
        const uint8_t* nul = std::find(in, in + avail, uint8_t{0});
        bool found = nul != in + avail;
        take(in, avail, static_cast<uint32_t>(nul - in) + (found ? 1 : 0));
        if (found) next_after(step_);
        return std::nullopt;
      }
      case Step::Hcrc:
        if (have_ == 0) header_crc_ = crc_;  // the CRC of every header byte before these two
        pair_[have_++] = *in;
        take(in, avail, 1);
        if (have_ == 2) {
          if ((uint32_t{pair_[0]} | uint32_t{pair_[1]} << 8) != (header_crc_ & 0xffff))
            return std::string("the gzip header does not match its header CRC");
          step_ = Step::Done;
        }
        return std::nullopt;
      case Step::Done:
        return std::nullopt;
    }
    return std::nullopt;
  }

  void take(uint8_t*& in, uint32_t& avail, uint32_t k) {
    in += k;
    avail -= k;
    consumed_ += k;
  }
  // The optional fields come in this order (RFC 1952 2.3).
  void next_after(Step done) {
    const Step order[] = {Step::ExtraLen, Step::Name, Step::Comment, Step::Hcrc};
    const uint8_t flag[] = {kFlagExtra, kFlagName, kFlagComment, kFlagHcrc};
    size_t from = done == Step::Base ? 0 : done == Step::Extra ? 1 : done == Step::Name ? 2 : 3;
    for (size_t i = from; i < 4; ++i)
      if (flags_ & flag[i]) {
        step_ = order[i];
        return;
      }
    step_ = Step::Done;
  }

  Step step_ = Step::Base;
  uint8_t base_[10] = {};
  uint8_t pair_[2] = {};
  uint32_t have_ = 0, extra_left_ = 0, crc_ = 0, header_crc_ = 0;
  uint8_t flags_ = 0;
  uint64_t consumed_ = 0;
  bool not_gzip_ = false;
};

class GzipStream final : public InputStream {
 public:
  GzipStream(std::unique_ptr<InputStream> raw, size_t input_block)
      : raw_(std::move(raw)), in_(std::max<size_t>(input_block, 1)), st_(std::make_unique<inflate_state>()) {
    name_ = raw_->name();
    isal_inflate_init(st_.get());
  }

  void interrupt() override { raw_->interrupt(); }

  // Decompressed bytes up to n. An error found after some bytes of this call were
  // produced is returned by the next call, so every byte before the damage is delivered.
  Expected<size_t> read(char* dst, size_t n) override {
    size_t produced = 0;
    while (produced < n && !error_ && phase_ != Phase::Done) {
      if (auto s = step(dst + produced, n - produced, produced); !s) error_ = s.error();
    }
    if (error_ && produced == 0) return *error_;
    return produced;
  }

 private:
  enum class Phase { Header, Body, Between, Done };

  // One step of the member loop: parse header bytes, inflate, or find what follows a member.
  Status step(char* out, size_t room, size_t& produced) {
    inflate_state& st = *st_;
    switch (phase_) {
      case Phase::Between:  // after a member: the end, another member, or other data
        if (st.avail_in == 0) {
          if (raw_eof_) {
            phase_ = Phase::Done;
            return Ok{};
          }
          return refill();
        }
        member_start_ = consumed();
        header_ = HeaderParser();
        phase_ = Phase::Header;
        return Ok{};
      case Phase::Header: {
        if (st.avail_in == 0) {
          if (!raw_eof_) return refill();
          // "\x1f" or "\x1f\x8b" alone after a member is too short to be one.
          if (members_ > 0 && header_.consumed() <= 2) return trailing_data();
          return truncated();
        }
        if (auto err = header_.feed(st.next_in, st.avail_in)) {
          if (header_.not_gzip() && members_ > 0) return trailing_data();
          return Error{fmt::format("cannot decompress: {} (gzip member at byte offset {})", *err, member_start_),
                       name_};
        }
        if (header_.state() == HeaderParser::Step::Done) {
          isal_inflate_reset(&st);
          st.crc_flag = ISAL_GZIP_NO_HDR_VER;  // isal_inflate checks the trailer's CRC-32 and length
          phase_ = Phase::Body;
        }
        return Ok{};
      }
      case Phase::Body: {
        if (st.avail_in == 0 && !raw_eof_) return refill();
        st.next_out = reinterpret_cast<uint8_t*>(out);
        st.avail_out = static_cast<uint32_t>(std::min<size_t>(room, uint32_t{1} << 30));
        const uint32_t in_before = st.avail_in, out_before = st.avail_out;
        int rc = isal_inflate(&st);
        produced += out_before - st.avail_out;
        if (rc == ISAL_INCORRECT_CHECKSUM)
          return Error{fmt::format("cannot decompress: the CRC-32 or length in the trailer of the gzip member at "
                                   "byte offset {} does not match its data (a corrupted file?)",
                                   member_start_),
                       name_};
        if (rc < 0)
          return Error{fmt::format("cannot decompress: the gzip member at byte offset {} holds invalid deflate "
                                   "data (a corrupted file?)",
                                   member_start_),
                       name_};
        if (st.block_state == ISAL_BLOCK_FINISH) {
          members_ += 1;
          phase_ = Phase::Between;
          return Ok{};
        }
        if (st.avail_in == in_before && st.avail_out == out_before) {
          if (st.avail_in == 0 && raw_eof_) return truncated();
          // isal_inflate takes every input byte it is given (buffering a partial symbol
          // itself); standing still would loop forever, so it is reported instead.
          return Error{
              fmt::format("cannot decompress: the gzip member at byte offset {} stops making progress", member_start_),
              name_};
        }
        return Ok{};
      }
      case Phase::Done:
        return Ok{};
    }
    return Ok{};
  }

  Status refill() {
    auto got = raw_->read(reinterpret_cast<char*>(in_.data()), in_.size());
    if (!got) return got.error();
    raw_eof_ = *got == 0;
    st_->next_in = in_.data();
    st_->avail_in = static_cast<uint32_t>(*got);
    raw_total_ += *got;
    return Ok{};
  }

  uint64_t consumed() const { return raw_total_ - st_->avail_in; }

  Error truncated() const { return Error{"cannot decompress: the gzip data ends early (a truncated file?)", name_}; }
  Error trailing_data() const {
    return Error{fmt::format("data that is not gzip follows the compressed data at byte offset {} "
                             "(concatenated gzip files are read, other data is not)",
                             member_start_),
                 name_};
  }

  std::unique_ptr<InputStream> raw_;
  std::vector<uint8_t> in_;
  std::unique_ptr<inflate_state> st_;  // about 40 KB: on the heap
  HeaderParser header_;
  Phase phase_ = Phase::Header;
  std::optional<Error> error_;  // sticky: every read after a failure returns it
  bool raw_eof_ = false;
  uint64_t raw_total_ = 0;     // compressed bytes read from raw_
  uint64_t member_start_ = 0;  // byte offset of the current member's header
  uint64_t members_ = 0;       // members read to their end
};

}  // namespace

std::unique_ptr<InputStream> gzip_stream(std::unique_ptr<InputStream> raw, size_t input_block) {
  return std::make_unique<GzipStream>(std::move(raw), input_block);
}

}  // namespace scorec::runtime
