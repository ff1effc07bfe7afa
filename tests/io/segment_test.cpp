// Event streams as customer-data platforms (Segment, RudderStack) send them: tracking-
// plan names read as declared events, page and screen calls as events, context fields
// as properties, the clock-skew rule, and retried messages (one messageId) read once.
#include "io_test_util.h"

#include "support/text.h"

namespace scorec::runtime::testing {
namespace {

using O = std::optional<double>;
constexpr double kT0 = 1709287200;  // 2024-03-01T10:00:00Z

TEST(EventNameKey, OneSpellingForTrackingPlanNames) {
  for (const char* name : {"order_completed", "Order Completed", "order-completed", "order.completed", "OrderCompleted",
                           "orderCompleted", "ORDER_COMPLETED", "Order  Completed", "order_-completed"})
    EXPECT_EQ(event_name_key(name), "order_completed") << name;
  EXPECT_EQ(event_name_key("Step2Done"), "step2_done");
  EXPECT_EQ(event_name_key("HTMLPage"), "htmlpage");  // only lower-to-upper is a word boundary
  EXPECT_EQ(event_name_key("café Ordered"), "café_ordered");  // other bytes as they are
}

TEST(SegmentNames, InputNamesMatchDeclaredEventsInOneSpelling) {
  TempDir dir;
  Ingest in;
  auto path = dir.write("n.ndjson",
                        R"({"userId":"u","event":"Page View","timestamp":1709287200})" "\n"
                        R"({"userId":"u","event":"PageView","timestamp":1709287200})" "\n"
                        R"({"userId":"u","event":"page-view","timestamp":1709287200})" "\n"
                        R"({"userId":"u","event":"Page View","timestamp":1709287200})" "\n"
                        R"({"userId":"u","event":"EMAIL_OPEN","timestamp":1709287200})" "\n"
                        R"({"userId":"u","event":"Purchased","timestamp":1709287200})" "\n"
                        R"({"userId":"u","event":"Order Completed","timestamp":1709287200})" "\n"
                        R"({"userId":"u","event":"page_view","timestamp":1709287200})" "\n");
  // An alias always wins: `Page View` is read as purchase, not as page_view.
  auto rows = read_all(path, mapping({"alias.purchase=Page View"}), in);
  ASSERT_TRUE(rows.ok()) << rows.error().str();
  std::vector<int> types;
  for (const auto& r : *rows) types.push_back(r.type);
  EXPECT_EQ(types, (std::vector<int>{kPurchase, kPageView, kPageView, kPurchase, kEmailOpen, -1, -1, kPageView}));
  std::map<std::string, std::pair<int, uint64_t>> read_as;
  for (const auto& [name, m] : in.stats.names_read_as) read_as[name] = {m.type, m.count};
  EXPECT_EQ(read_as, (std::map<std::string, std::pair<int, uint64_t>>{
                         {"PageView", {kPageView, 1}}, {"page-view", {kPageView, 1}}, {"EMAIL_OPEN", {kEmailOpen, 1}}}));
  EXPECT_EQ(in.stats.unknown_by_name, (std::map<std::string, uint64_t>{{"Order Completed", 1}, {"Purchased", 1}}));
}

TEST(SegmentNames, CsvEventNamesToo) {
  TempDir dir;
  Ingest in;
  auto rows = read_all(dir.write("n.csv", "user,event,ts\nu,Email Open,1\nu,emailOpen,2\nu,email.open,3\n"), mapping({}), in);
  ASSERT_TRUE(rows.ok()) << rows.error().str();
  ASSERT_EQ(rows->size(), 3u);
  for (const auto& r : *rows) EXPECT_EQ(r.type, kEmailOpen);
  EXPECT_EQ(in.stats.names_read_as.size(), 3u);
  EXPECT_EQ(in.stats.events_by_type[kEmailOpen], 3u);
}

// event page { path, name, category, title, url, referrer: string }, screen { name: string },
// order_completed { total: number, utm_source: string, utm_campaign: string, src: string }.
struct Cdp : Ingest {
  enum { kPath, kName, kCategory, kTitle, kUrl, kReferrer, kScreenName, kTotal, kUtmSource, kUtmCampaign, kSrc, kCols };
  Cdp() {
    schema = ir::Schema{};
    auto s = ir::Type::String;
    schema.events.push_back(
        {"page", {{"path", s, kPath}, {"name", s, kName}, {"category", s, kCategory}, {"title", s, kTitle},
                  {"url", s, kUrl}, {"referrer", s, kReferrer}}});
    schema.events.push_back({"screen", {{"name", s, kScreenName}}});
    schema.events.push_back({"order_completed",
                             {{"total", ir::Type::Number, kTotal}, {"utm_source", s, kUtmSource},
                              {"utm_campaign", s, kUtmCampaign}, {"src", s, kSrc}}});
    schema.profile = {{"plan", s}, {"age", ir::Type::Number}, {"vip", ir::Type::Bool}, {"signup", ir::Type::Timestamp}};
    schema.num_columns = kCols;
  }
  std::string text(const Row& r, int col) const { return r.cols[col] ? str(*r.cols[col]) : "<null>"; }
};

TEST(SegmentMessages, PageAndScreenCallsAreEvents) {
  TempDir dir;
  Cdp in;
  auto path = dir.write(
      "p.ndjson",
      // The spec's page call: name and category at the top, properties, context.page.
      R"({"type":"page","anonymousId":"a1","name":"Pricing","category":"Docs","properties":{"title":"Pricing | Acme","url":"https://acme.com/pricing?x=1"},"context":{"page":{"path":"/pricing","title":"not this","referrer":"https://google.com/"}},"timestamp":"2024-03-01T10:00:00Z"})" "\n"
      // properties.path wins over context.page.path
      R"({"type":"page","userId":"u1","properties":{"path":"/docs"},"context":{"page":{"path":"/pricing"}},"timestamp":"2024-03-01T10:00:01Z"})" "\n"
      R"({"type":"screen","userId":"u2","name":"Checkout","properties":{"name":"Checkout"},"timestamp":"2024-03-01T10:00:02Z"})" "\n"
      // An `event` field does not rename a page call.
      R"({"type":"page","userId":"u2","event":"Order Completed","timestamp":"2024-03-01T10:00:03Z"})" "\n"
      R"({"type":"group","userId":"u2","groupId":"g1","timestamp":"2024-03-01T10:00:04Z"})" "\n");
  auto rows = read_all(path, mapping({}), in);
  ASSERT_TRUE(rows.ok()) << rows.error().str();
  ASSERT_EQ(rows->size(), 4u);
  const auto& r = *rows;
  EXPECT_EQ(r[0].user, "a1");
  EXPECT_EQ(r[0].type, 0);
  EXPECT_EQ(r[0].ts, kT0);
  EXPECT_EQ(in.text(r[0], Cdp::kPath), "/pricing");
  EXPECT_EQ(in.text(r[0], Cdp::kName), "Pricing");
  EXPECT_EQ(in.text(r[0], Cdp::kCategory), "Docs");
  EXPECT_EQ(in.text(r[0], Cdp::kTitle), "Pricing | Acme");
  EXPECT_EQ(in.text(r[0], Cdp::kUrl), "https://acme.com/pricing?x=1");
  EXPECT_EQ(in.text(r[0], Cdp::kReferrer), "https://google.com/");
  EXPECT_EQ(in.text(r[1], Cdp::kPath), "/docs");
  EXPECT_EQ(in.text(r[1], Cdp::kName), "<null>");
  EXPECT_EQ(r[2].type, 1);
  EXPECT_EQ(in.text(r[2], Cdp::kScreenName), "Checkout");
  EXPECT_EQ(r[3].type, 0);
  EXPECT_EQ(in.stats.other_messages, 1u);  // the group call
  EXPECT_EQ(in.stats.events_by_type, (std::vector<uint64_t>{3, 1, 0}));
}

TEST(SegmentMessages, ContextFieldsByDefaultAndByMapping) {
  TempDir dir;
  Cdp in;
  auto path = dir.write(
      "c.ndjson",
      R"({"type":"track","userId":"u1","event":"Order Completed","properties":{"total":5},"context":{"campaign":{"source":"google","name":"spring","medium":"cpc"}},"timestamp":1709287200})" "\n"
      R"({"type":"track","userId":"u1","event":"Order Completed","properties":{"total":6,"utm_source":"newsletter"},"context":{"campaign":{"source":"google"}},"timestamp":1709287200})" "\n"
      R"({"type":"track","userId":"u1","event":"Order Completed","properties":{"total":7},"timestamp":1709287200})" "\n");
  auto rows = read_all(path, mapping({"prop.src=context.campaign.medium"}), in);
  ASSERT_TRUE(rows.ok()) << rows.error().str();
  ASSERT_EQ(rows->size(), 3u);
  const auto& r = *rows;
  EXPECT_EQ(in.text(r[0], Cdp::kUtmSource), "google");
  EXPECT_EQ(in.text(r[0], Cdp::kUtmCampaign), "spring");  // Segment keeps utm_campaign as campaign.name
  EXPECT_EQ(in.text(r[0], Cdp::kSrc), "cpc");
  EXPECT_EQ(in.text(r[1], Cdp::kUtmSource), "newsletter");  // properties first
  EXPECT_EQ(in.text(r[1], Cdp::kSrc), "<null>");
  EXPECT_EQ(in.text(r[2], Cdp::kUtmSource), "<null>");
  EXPECT_EQ(r[2].cols[Cdp::kTotal], O(7));
}

TEST(SegmentMessages, ClockSkewRule) {
  TempDir dir;
  Cdp in;
  auto path = dir.write(
      "t.ndjson",
      // timestamp wins
      R"({"userId":"u","event":"order_completed","timestamp":"2024-03-01T10:00:00Z","originalTimestamp":"2000-01-01T00:00:00Z"})" "\n"
      // the device clock is 2 h 5 s slow: received - sent = +2 h
      R"({"userId":"u","event":"order_completed","originalTimestamp":"2024-03-01T08:00:00.500Z","sentAt":"2024-03-01T08:00:10Z","receivedAt":"2024-03-01T10:00:10Z"})" "\n"
      // the device clock is fast
      R"({"userId":"u","event":"order_completed","originalTimestamp":"2024-03-01T12:00:00Z","sentAt":"2024-03-01T12:00:01Z","receivedAt":"2024-03-01T10:00:01Z"})" "\n"
      // without sentAt there is nothing to correct by
      R"({"userId":"u","event":"order_completed","originalTimestamp":"2024-03-01T10:00:00Z","receivedAt":"2024-03-01T11:00:00Z"})" "\n");
  auto rows = read_all(path, mapping({}), in);
  ASSERT_TRUE(rows.ok()) << rows.error().str();
  ASSERT_EQ(rows->size(), 4u);
  EXPECT_EQ((*rows)[0].ts, kT0);
  EXPECT_EQ((*rows)[1].ts, kT0 + 0.5);
  EXPECT_EQ((*rows)[2].ts, kT0);
  EXPECT_EQ((*rows)[3].ts, kT0);

  // A sentAt that is not a time is a malformed line naming it.
  Cdp bad;
  auto broken = read_all(dir.write("b.ndjson", R"({"userId":"u","event":"order_completed","originalTimestamp":"2024-03-01T10:00:00Z","sentAt":"soon","receivedAt":"2024-03-01T10:00:00Z"})" "\n"),
                         mapping({}), bad);
  ASSERT_FALSE(broken.ok());
  EXPECT_NE(broken.error().message.find("field 'sentAt': cannot parse 'soon' as a timestamp"), std::string::npos)
      << broken.error().message;
  EXPECT_EQ(broken.error().line, 1);

  // A mapped time field turns the rule off: originalTimestamp is then not a fallback.
  Cdp mapped;
  auto off = read_all(dir.write("m.ndjson", R"({"userId":"u","event":"order_completed","originalTimestamp":"2024-03-01T10:00:00Z"})" "\n"),
                      mapping({"time=ts"}), mapped);
  ASSERT_FALSE(off.ok());
  EXPECT_NE(off.error().message.find("missing the timestamp (field 'ts')"), std::string::npos) << off.error().message;
}

TEST(SegmentMessages, RetriedMessagesAreReadOnce) {
  TempDir dir;
  const std::string text =
      R"({"type":"track","messageId":"m1","userId":"u1","event":"Order Completed","properties":{"total":5},"timestamp":1709287200})" "\n"
      R"({"type":"identify","messageId":"i1","userId":"u1","traits":{"plan":"pro"},"timestamp":1709287200})" "\n"
      // a retry: the same message, also when another field differs (first copy wins)
      R"({"type":"track","messageId":"m1","userId":"u9","event":"Order Completed","properties":{"total":50},"timestamp":1709287201})" "\n"
      R"({"type":"identify","messageId":"i1","userId":"u1","traits":{"plan":"free"},"timestamp":1709287200})" "\n"
      // a malformed copy is a copy: skipped unread
      R"({"type":"track","messageId":"m1","userId":"u1","event":"Order Completed","timestamp":"never"})" "\n"
      // numbers are ids too; messages without an id are all read
      R"({"type":"page","messageId":7,"userId":"u2","timestamp":1709287202})" "\n"
      R"({"type":"page","messageId":7.0,"userId":"u2","timestamp":1709287202})" "\n"
      R"({"type":"page","messageId":7,"userId":"u2","timestamp":1709287202})" "\n"
      R"({"type":"page","userId":"u2","timestamp":1709287203})" "\n"
      R"({"type":"page","userId":"u2","timestamp":1709287203})" "\n";
  auto path = dir.write("d.ndjson", text);
  Cdp in;
  auto rows = read_all(path, mapping({}), in);
  ASSERT_TRUE(rows.ok()) << rows.error().str();
  std::vector<std::pair<std::string, uint64_t>> got;
  for (const auto& r : *rows) got.emplace_back(r.user, r.line);
  EXPECT_EQ(got, (std::vector<std::pair<std::string, uint64_t>>{{"u1", 1}, {"u2", 6}, {"u2", 7}, {"u2", 9}, {"u2", 10}}));
  EXPECT_EQ(in.stats.duplicate_messages, 4u);
  EXPECT_EQ(in.stats.events_read, 5u);
  EXPECT_EQ(in.stats.profiles_read, 1u);
  EXPECT_EQ(in.str(*in.attr("u1", 0)), "pro");
  EXPECT_LT(in.users.find("u9"), 0);

  Cdp all;
  all.ctx.keep_duplicates = true;
  auto every = read_all(dir.write("k.ndjson", text.substr(0, text.find("\n", text.find("never")) - 0)), mapping({}), all);
  ASSERT_FALSE(every.ok());  // with every copy read, the malformed one is an error
  EXPECT_EQ(every.error().line, 5);
  EXPECT_EQ(all.stats.duplicate_messages, 0u);
  EXPECT_EQ(all.str(*all.attr("u1", 0)), "free");
}

TEST(SegmentMessages, EnvelopeFieldsAreNotProperties) {
  TempDir dir;
  Ingest in;
  in.schema = ir::Schema{};
  in.schema.events.push_back({"signed_up", {{"type", ir::Type::String, 0}, {"channel", ir::Type::String, 1}}});
  in.schema.num_columns = 2;
  in.schema.profile = test_schema().profile;
  auto rows = read_all(
      dir.write("s.ndjson",
                // A Segment message: `type` and `channel` at the top are the envelope's.
                R"({"type":"track","channel":"server","userId":"u","event":"Signed Up","timestamp":1})" "\n"
                R"({"type":"track","userId":"u","event":"Signed Up","properties":{"type":"invited"},"timestamp":1})" "\n"
                // A plain object: its top-level fields are data.
                R"({"type":"premium","channel":"web","userId":"u","event":"signed_up","timestamp":1})" "\n"),
      mapping({}), in);
  ASSERT_TRUE(rows.ok()) << rows.error().str();
  ASSERT_EQ(rows->size(), 3u);
  EXPECT_EQ((*rows)[0].cols, (std::vector<O>{O(), O()}));
  EXPECT_EQ(in.str(*(*rows)[1].cols[0]), "invited");
  EXPECT_EQ(in.str(*(*rows)[2].cols[0]), "premium");
  EXPECT_EQ(in.str(*(*rows)[2].cols[1]), "web");
}

}  // namespace
}  // namespace scorec::runtime::testing
