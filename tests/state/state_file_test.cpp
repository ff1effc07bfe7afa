// What a state file refuses (runtime/state/state_file.h: "It never misreads"): states
// of other rules, truncated, corrupted, newer or foreign files; and what continuing or
// combining states refuses: going back in time, another partition, a missing or
// repeated partition.
#include "runtime/state/state_file.h"
#include "runtime/state/session.h"
#include "runtime/state/state_layout.h"

#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <iterator>
#include <limits>
#include <string>
#include <thread>
#include <vector>

#include "runtime/engine/driver.h"
#include "support/time.h"
#include "tests/state/state_harness.h"
#include "tests/support/run_helpers.h"

namespace scorec::statetest {
namespace {

using scorec::testing::ts;

constexpr const char* kRules = R"(
event visit { }
event purchase { amount: number }
score s {
  decay half_life 7d
  on visit +1
  on purchase + amount cap 100 per 7d
  when count(purchase) >= 1 +5
}
)";

// The same state layout, other weights: allowed (events already applied keep theirs).
constexpr const char* kRulesOtherWeights = R"(
event visit { }
event purchase { amount: number }
score s {
  decay half_life 7d
  on visit +2
  on purchase + amount * 2 cap 100 per 7d
  when count(purchase) >= 1 +7
}
)";

// A window: the state would lack the events the window needs.
constexpr const char* kRulesWithWindow = R"(
event visit { }
event purchase { amount: number }
score s {
  decay half_life 7d
  window 30d
  on visit +1
  on purchase + amount cap 100 per 7d
  when count(purchase) >= 1 +5
}
)";

// A new event type: the schema differs.
constexpr const char* kRulesNewEvent = R"(
event visit { }
event purchase { amount: number }
event signup { }
score s {
  decay half_life 7d
  on visit +1
  on purchase + amount cap 100 per 7d
  on signup +3
  when count(purchase) >= 1 +5
}
)";

constexpr const char* kEvents = R"({"user_id":"u1","event":"visit","timestamp":"2024-02-20T00:00:00Z"}
{"user_id":"u2","event":"purchase","timestamp":"2024-02-21T00:00:00Z","amount":30}
{"user_id":"u1","event":"purchase","timestamp":"2024-02-25T00:00:00Z","amount":12.5}
{"user_id":"u3","event":"visit","timestamp":"2024-02-29T00:00:00Z"}
)";

constexpr const char* kLaterEvents = R"({"user_id":"u1","event":"visit","timestamp":"2024-03-02T00:00:00Z"}
{"user_id":"u4","event":"visit","timestamp":"2024-03-03T00:00:00Z"}
)";

std::string read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

class StateFile : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = scorec::testing::test_temp_dir();
    program_ = compile(kRules);
    events_ = dir_ + "/events.ndjson";
    later_ = dir_ + "/later.ndjson";
    write_file(events_, kEvents);
    write_file(later_, kLaterEvents);
    state_ = save(program_, "/state.bin");
    bytes_ = read_bytes(state_);
    ASSERT_GT(bytes_.size(), 64u);
  }

  static ir::Program compile(const char* rules) {
    std::string error;
    auto p = compile_rules(rules, &error);
    EXPECT_TRUE(p.has_value()) << error;
    return p ? std::move(*p) : ir::Program{};
  }

  // Runs the first events as of 2024-03-01 (a partition of them with `partition`) and
  // saves the state.
  std::string save(const ir::Program& program, const std::string& name, runtime::Partition partition = {},
                   double as_of = ts("2024-03-01")) {
    runtime::RunOptions o;
    o.events_path = events_;
    o.as_of = as_of;
    o.partition = partition;
    o.state_out = dir_ + name;
    o.rules_label = "rules.score";
    auto engine = runtime::make_interpreter();
    Outcome r = run(program, o, *engine);
    EXPECT_TRUE(r.ok) << r.error;
    return *o.state_out;
  }

  // Continues from `state` with the later events; the error text, or "" when it ran.
  std::string continue_from(const ir::Program& program, const std::string& state, double as_of = ts("2024-03-08"),
                            runtime::Partition partition = {}) {
    runtime::RunOptions o;
    o.events_path = later_;
    o.as_of = as_of;
    o.state_in = state;
    o.partition = partition;
    auto engine = runtime::make_interpreter();
    Outcome r = run(program, o, *engine);
    return r.ok ? "" : r.error;
  }

  // Decodes `bytes` as a state file of these rules (what read_state_file does after
  // reading the file); the error text, or "" when it decodes.
  std::string read_as_state(const std::string& bytes) {
    auto s = runtime::decode_state(bytes, program_, "mutated.bin");
    return s ? "" : s.error().str();
  }

  std::string dir_, events_, later_, state_, bytes_;
  ir::Program program_;
};

TEST_F(StateFile, ReadsBackWhatItWrote) {
  EXPECT_EQ(read_as_state(bytes_), "");
  EXPECT_EQ(continue_from(program_, state_), "");
  EXPECT_EQ(bytes_.substr(0, 8), "SCORECST");
  uint32_t version;
  std::memcpy(&version, bytes_.data() + 8, 4);
  EXPECT_EQ(version, runtime::kStateFormatVersion);
}

TEST_F(StateFile, RefusesAStateOfOtherRules) {
  for (const char* other : {kRulesWithWindow, kRulesNewEvent}) {
    ir::Program p = compile(other);
    std::string error = continue_from(p, state_);
    EXPECT_NE(error.find("other rules"), std::string::npos) << error;
    // The message names the rules the state was saved with.
    EXPECT_NE(error.find("rules.score"), std::string::npos) << error;
    auto engine = runtime::make_interpreter();
    Outcome fin = combine(p, {state_}, *engine);
    EXPECT_FALSE(fin.ok);
    EXPECT_NE(fin.error.find("other rules"), std::string::npos) << fin.error;
  }
}

TEST_F(StateFile, ReadsAStateOfTheSameLayoutWithOtherWeights) {
  EXPECT_EQ(continue_from(compile(kRulesOtherWeights), state_), "");
}

TEST_F(StateFile, RefusesATruncatedFile) {
  const size_t n = bytes_.size();
  for (size_t len : {size_t{0}, size_t{1}, size_t{7}}) {
    std::string error = read_as_state(bytes_.substr(0, len));
    EXPECT_NE(error.find("not a scorec state file"), std::string::npos) << len << ": " << error;
  }
  for (size_t len : {size_t{8}, size_t{12}, size_t{20}, size_t{31}}) {
    std::string error = read_as_state(bytes_.substr(0, len));
    EXPECT_NE(error.find("truncated"), std::string::npos) << len << ": " << error;
  }
  // Every cut inside the payload (the header's length says how much is missing).
  for (size_t len = 32; len < n; ++len) {
    std::string error = read_as_state(bytes_.substr(0, len));
    ASSERT_NE(error.find("truncated"), std::string::npos) << len << " of " << n << " bytes: " << error;
  }
  // Through the run, too: the error reaches the caller with the file's path.
  write_file(dir_ + "/cut.bin", bytes_.substr(0, n / 2));
  std::string error = continue_from(program_, dir_ + "/cut.bin");
  EXPECT_NE(error.find("truncated"), std::string::npos) << error;
  EXPECT_NE(error.find("cut.bin"), std::string::npos) << error;
}

TEST_F(StateFile, RefusesACorruptedFile) {
  // One flipped bit or byte anywhere in the payload.
  for (size_t at = 32; at < bytes_.size(); ++at) {
    for (unsigned char mask : {0x01, 0xff}) {
      std::string b = bytes_;
      b[at] = static_cast<char>(b[at] ^ mask);
      std::string error = read_as_state(b);
      ASSERT_NE(error.find("corrupted"), std::string::npos) << "byte " << at << " ^ " << int(mask) << ": " << error;
    }
  }
  // The reserved header field (bytes 12-15), which every writer leaves zero.
  std::string b = bytes_;
  b[13] = 0x01;
  EXPECT_NE(read_as_state(b).find("reserved"), std::string::npos) << read_as_state(b);
  // The checksum itself (bytes 24-31).
  b = bytes_;
  b[27] = static_cast<char>(b[27] ^ 0x10);
  EXPECT_NE(read_as_state(b).find("corrupted"), std::string::npos);
  // Bytes after the end of the payload.
  EXPECT_NE(read_as_state(bytes_ + "x").find("corrupted"), std::string::npos);
  // The payload length (bytes 16-23) made smaller: the rest is trailing garbage.
  b = bytes_;
  uint64_t length;
  std::memcpy(&length, b.data() + 16, 8);
  --length;
  std::memcpy(b.data() + 16, &length, 8);
  EXPECT_NE(read_as_state(b).find("corrupted"), std::string::npos) << read_as_state(b);
  // Through the run.
  b = bytes_;
  b[bytes_.size() / 2] ^= 0x40;
  write_file(dir_ + "/flipped.bin", b);
  EXPECT_NE(continue_from(program_, dir_ + "/flipped.bin").find("corrupted"), std::string::npos);
}

TEST_F(StateFile, RefusesANewerFormatVersion) {
  for (uint32_t version : {runtime::kStateFormatVersion + 1, 0xffffffffu}) {
    std::string b = bytes_;
    std::memcpy(b.data() + 8, &version, 4);  // little-endian, as written
    std::string error = read_as_state(b);
    EXPECT_NE(error.find("newer"), std::string::npos) << version << ": " << error;
  }
  std::string b = bytes_;
  b[8] = b[9] = b[10] = b[11] = 0;
  std::string error = read_as_state(b);
  EXPECT_NE(error.find("version 0"), std::string::npos) << error;
}

TEST_F(StateFile, RefusesAFileThatIsNotAState) {
  for (std::string garbage : {std::string("user_id,s\nu1,3\n"), std::string(4096, '\0'), std::string("SCORECS"),
                              std::string("scorecst") + bytes_.substr(8), std::string(kEvents)}) {
    std::string error = read_as_state(garbage);
    EXPECT_NE(error.find("not a scorec state file"), std::string::npos) << error;
  }
  std::string error = continue_from(program_, dir_ + "/no_such_state.bin");
  EXPECT_NE(error.find("cannot read the state file"), std::string::npos) << error;
}

TEST_F(StateFile, AsOfOnlyMovesForward) {
  std::string error = continue_from(program_, state_, ts("2024-02-29"));
  EXPECT_NE(error.find("only moves forward"), std::string::npos) << error;
  // One second back is back too; the same instant is not.
  error = continue_from(program_, state_, ts("2024-03-01") - 1);
  EXPECT_NE(error.find("only moves forward"), std::string::npos) << error;
  EXPECT_EQ(continue_from(program_, state_, ts("2024-03-01")), "");
}

TEST_F(StateFile, RefusesAnotherPartition) {
  std::string one_of_three = save(program_, "/p1of3.bin", {1, 3});
  EXPECT_EQ(continue_from(program_, one_of_three, ts("2024-03-08"), {1, 3}), "");
  for (runtime::Partition other :
       {runtime::Partition{0, 3}, runtime::Partition{2, 3}, runtime::Partition{1, 4}, runtime::Partition{0, 1}}) {
    std::string error = continue_from(program_, one_of_three, ts("2024-03-08"), other);
    EXPECT_NE(error.find("partition 1/3"), std::string::npos) << other.k << "/" << other.n << ": " << error;
  }
  // An unpartitioned state continued as a partition.
  std::string error = continue_from(program_, state_, ts("2024-03-08"), {0, 2});
  EXPECT_NE(error.find("partition"), std::string::npos) << error;
}

TEST_F(StateFile, CombineRefusesAMissingOrRepeatedPartition) {
  std::vector<std::string> parts;
  for (uint32_t k = 0; k < 3; ++k) parts.push_back(save(program_, "/p" + std::to_string(k) + ".bin", {k, 3}));
  auto engine = runtime::make_interpreter();
  Outcome all = combine(program_, parts, *engine);
  EXPECT_TRUE(all.ok) << all.error;

  Outcome missing = combine(program_, {parts[0], parts[2]}, *engine);
  EXPECT_FALSE(missing.ok);
  EXPECT_NE(missing.error.find("3 partitions"), std::string::npos) << missing.error;
  EXPECT_NE(missing.error.find("partition 1/3 is missing"), std::string::npos) << missing.error;

  // One partition's state alone is not the run's result either: it is refused, naming
  // the others, rather than finalized as if its users were everyone.
  Outcome alone = combine(program_, {parts[1]}, *engine);
  EXPECT_FALSE(alone.ok);
  EXPECT_NE(alone.error.find("partitions 0/3, 2/3 are missing"), std::string::npos) << alone.error;

  Outcome twice = combine(program_, {parts[0], parts[1], parts[1]}, *engine);
  EXPECT_FALSE(twice.ok);
  EXPECT_NE(twice.error.find("given twice"), std::string::npos) << twice.error;

  Outcome extra = combine(program_, {parts[0], parts[1], parts[2], parts[2]}, *engine);
  EXPECT_FALSE(extra.ok);

  // States of different runs: other as-of times, or other partition counts.
  std::string later = save(program_, "/p1later.bin", {1, 3}, ts("2024-03-02"));
  Outcome mixed_time = combine(program_, {parts[0], later, parts[2]}, *engine);
  EXPECT_FALSE(mixed_time.ok);
  EXPECT_NE(mixed_time.error.find("as-of"), std::string::npos) << mixed_time.error;
  std::string half = save(program_, "/h0.bin", {0, 2});
  Outcome mixed_n = combine(program_, {half, parts[1], parts[2]}, *engine);
  EXPECT_FALSE(mixed_n.ok);
  EXPECT_NE(mixed_n.error.find("same partitioned run"), std::string::npos) << mixed_n.error;

  // A state given with an unpartitioned one: the counts differ.
  Outcome with_whole = combine(program_, {state_, parts[0]}, *engine);
  EXPECT_FALSE(with_whole.ok);
}

// A state whose checksum is right but whose contents no run writes: a forged file, or one
// damaged before it was checksummed. Its times and values are checked before the engine
// converts any (a NaN age stopped the sanitizer build in decay before).
TEST_F(StateFile, RefusesTimesAndValuesNoRunWrites) {
  // As of 2024-02-22, the events after it are kept: the state carries event times.
  std::string early = save(program_, "/early.bin", {}, ts("2024-02-22"));
  auto good = runtime::decode_state(read_bytes(early), program_, "early.bin");
  ASSERT_TRUE(good.ok()) << good.error().str();
  ASSERT_GE(good->kept.size(), 2u);
  const size_t amount = static_cast<size_t>(program_.schema.events[1].props[0].column);
  // Changed, then encoded again: the checksum matches.
  auto forged = [&](auto change) {
    runtime::SavedState s = *good;
    change(s);
    return read_as_state(runtime::encode_state(s));
  };
  EXPECT_EQ(forged([](runtime::SavedState&) {}), "");
  const double nan = std::numeric_limits<double>::quiet_NaN(), inf = std::numeric_limits<double>::infinity();
  for (double t : {nan, inf, -inf, 1e300, -1e300, kEndTime, kMinTime - 1}) {
    std::string error = forged([&](runtime::SavedState& s) { s.as_of = t; });
    EXPECT_NE(error.find("invalid: its as-of time"), std::string::npos) << t << ": " << error;
    error = forged([&](runtime::SavedState& s) { s.kept.ts[1] = t; });
    EXPECT_NE(error.find("invalid: kept event 1 has the time"), std::string::npos) << t << ": " << error;
    if (t != runtime::kNoEventTime) {
      error = forged([&](runtime::SavedState& s) { s.latest_event = t; });
      EXPECT_NE(error.find("invalid: its latest event time"), std::string::npos) << t << ": " << error;
    }
  }
  // "No event read" is a latest event time a run writes.
  EXPECT_EQ(forged([](runtime::SavedState& s) { s.latest_event = runtime::kNoEventTime; }), "");
  // A kept purchase's amount: NaN and the infinities are numbers no reader produces.
  size_t purchase = 0;
  while (purchase < good->kept.size() && !good->kept.columns[amount].valid[purchase]) ++purchase;
  ASSERT_LT(purchase, good->kept.size());
  for (double v : {nan, inf}) {
    std::string error = forged([&](runtime::SavedState& s) { s.kept.columns[amount].values[purchase] = v; });
    EXPECT_NE(error.find("invalid: kept event"), std::string::npos) << v << ": " << error;
  }
  // Through a run: refused with the file's path, never scored.
  runtime::SavedState bad = *good;
  bad.as_of = nan;
  write_file(dir_ + "/forged.bin", runtime::encode_state(bad));
  std::string error = continue_from(program_, dir_ + "/forged.bin");
  EXPECT_NE(error.find("forged.bin: the state file is invalid"), std::string::npos) << error;
}

// read_state_file checks the header before it reads the rest, and reads the rest in
// bounded steps: what is not a state file costs 32 bytes, never the header's claim.
TEST_F(StateFile, ReadsNoMoreThanTheHeaderPromises) {
  auto read = [&](const std::string& path) {
    auto s = runtime::read_state_file(path, program_);
    return s ? "" : s.error().str();
  };
  EXPECT_EQ(read(state_), "");
  // Endless zeros (this read about 1 GB, then aborted on bad_alloc).
  EXPECT_NE(read("/dev/zero").find("not a scorec state file"), std::string::npos) << read("/dev/zero");
  // A directory (this terminated the process on the stream's exception).
  EXPECT_NE(read(dir_).find("is a directory"), std::string::npos) << read(dir_);
  // A header that promises far more than the file has.
  std::string b = bytes_.substr(0, 32);
  uint64_t huge = uint64_t{1} << 62;
  std::memcpy(b.data() + 16, &huge, 8);
  write_file(dir_ + "/huge.bin", b + "some bytes");
  EXPECT_NE(read(dir_ + "/huge.bin").find("truncated: its header promises 4611686018427387904 bytes"),
            std::string::npos)
      << read(dir_ + "/huge.bin");

  // A FIFO (`--state-in <(zcat state.gz)`) is read, up to the header's length.
  std::string fifo = dir_ + "/state.fifo";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  auto through_fifo = [&](const std::string& bytes) {
    std::thread writer([&] {
      std::ofstream out(fifo, std::ios::binary);
      out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    });
    std::string error = read(fifo);
    writer.join();
    return error;
  };
  EXPECT_EQ(through_fifo(bytes_), "");
  EXPECT_NE(through_fifo(bytes_ + "trailing").find("bytes after the end of its state"), std::string::npos);
  EXPECT_NE(through_fifo(b + "some bytes").find("more than this machine's memory"), std::string::npos);
  EXPECT_NE(through_fifo(bytes_.substr(0, bytes_.size() - 5)).find("truncated"), std::string::npos);
}

}  // namespace
}  // namespace scorec::statetest

namespace scorec::runtime {
namespace {

// The partition count comes from the files: up to 2^32 - 1. Checking that every
// partition is given must not allocate anything of that size (the fuzzer found a
// 4 GB allocation); the message still names the first missing ones.
TEST(CheckAllPartitions, HugePartitionCountsAllocateNothingOfThatSize) {
  std::vector<SavedState> states(2);
  states[0].partition = 0;
  states[1].partition = 7;
  for (auto& s : states) s.partitions = 4000000000u;
  auto st = check_all_partitions(states);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().message,
            "the run was split into 4000000000 partitions, and the states of partitions 1/4000000000, 2/4000000000, "
            "3/4000000000, 4/4000000000, 5/4000000000, 6/4000000000, 8/4000000000, 9/4000000000, 10/4000000000, "
            "11/4000000000 and 3999999988 more are missing; give the states of all 4000000000 (each from "
            "--partition K/4000000000 --state-out)");
  states[1].partition = 4000000000u;
  st = check_all_partitions(states);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().message, "a state is of partition 4000000000/4000000000, which does not exist");
  states[1].partition = 0;
  st = check_all_partitions(states);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().message, "partition 0/4000000000 is given twice");
}

}  // namespace
}  // namespace scorec::runtime

namespace scorec::runtime {
namespace {

// Identity links are saved in order and read back; a link that links nothing again
// (a forged or damaged list) is refused.
TEST(StateFileIdentity, LinksRoundTripAndForgedLinksAreRefused) {
  ir::Program program;
  SavedState s;
  s.layout_hash = layout_hash(program);
  s.identity_links = {{"a1", "u1"}, {"u1", "u2"}};
  auto back = decode_state(encode_state(s), program, "links.bin");
  ASSERT_TRUE(back.ok()) << back.error().str();
  ASSERT_EQ(back->identity_links.size(), 2u);
  EXPECT_EQ(back->identity_links[1].from, "u1");
  EXPECT_EQ(back->identity_links[1].to, "u2");
  for (std::vector<IdentityLink> forged : {std::vector<IdentityLink>{{"a1", "u1"}, {"a1", "u2"}},
                                           std::vector<IdentityLink>{{"a1", "a1"}},
                                           std::vector<IdentityLink>{{"", "u1"}}}) {
    s.identity_links = forged;
    auto bad = decode_state(encode_state(s), program, "forged.bin");
    ASSERT_FALSE(bad.ok());
    EXPECT_NE(bad.error().message.find("an identity link that links nothing"), std::string::npos)
        << bad.error().message;
  }
}

}  // namespace
}  // namespace scorec::runtime
