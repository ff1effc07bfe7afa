// Exact line shapes of every output format (golden strings for a tiny fixed
// config), plus escaping and list encoding on hand-made records.
#include <gtest/gtest.h>

#include "writers.h"

namespace scorec::gen {
namespace {

GeneratorConfig tiny() {
  GeneratorConfig c;
  c.seed = 7;
  c.users = 4;
  c.events = 6;
  c.start_epoch_s = 1704067200;  // 2024-01-01
  c.span_days = 2;
  return c;
}

std::string events_as(Format f, const GeneratorConfig& c) {
  Sink sink;
  EventWriter w(f, sink, c.mix);
  for_each_event(c, [&](const Event& e) { w.write(e); });
  return sink.str();
}

std::string profiles_as(Format f, const GeneratorConfig& c) {
  Sink sink;
  ProfileWriter w(f, sink);
  for_each_profile(c, [&](const Profile& p) { w.write(p); });
  return sink.str();
}

TEST(GenWriters, NdjsonEventsGolden) {
  EXPECT_EQ(events_as(Format::ndjson, tiny()),
            R"({"user_id":"u1","event":"purchase","timestamp":"2024-01-01T11:52:06Z","amount":121.36,"currency":"SGD","items":1}
{"user_id":"u1","event":"email_open","timestamp":"2024-01-01T13:23:37Z","campaign":"spring"}
{"user_id":"u2","event":"site_visit","timestamp":"2024-01-01T14:32:47Z","page":"/pricing","seconds":63}
{"user_id":"u3","event":"site_visit","timestamp":"2024-01-01T15:40:12Z","page":"/","seconds":30}
{"user_id":"u2","event":"form_submit","timestamp":"2024-01-01T16:50:17Z","form":"trial_signup"}
{"user_id":"u1","event":"site_visit","timestamp":"2024-01-02T09:47:15Z","page":"/case-studies","seconds":185}
)");
}

TEST(GenWriters, CsvEventsGolden) {
  EXPECT_EQ(events_as(Format::csv, tiny()),
            R"(user_id,event,timestamp,campaign,url,page,seconds,content_id,category,amount,currency,items,form
u1,purchase,2024-01-01T11:52:06Z,,,,,,,121.36,SGD,1,
u1,email_open,2024-01-01T13:23:37Z,spring,,,,,,,,,
u2,site_visit,2024-01-01T14:32:47Z,,,/pricing,63,,,,,,
u3,site_visit,2024-01-01T15:40:12Z,,,/,30,,,,,,
u2,form_submit,2024-01-01T16:50:17Z,,,,,,,,,,trial_signup
u1,site_visit,2024-01-02T09:47:15Z,,,/case-studies,185,,,,,,
)");
}

TEST(GenWriters, SegmentEventsGolden) {
  EXPECT_EQ(events_as(Format::segment, tiny()),
            R"({"type":"track","userId":"u1","event":"purchase","timestamp":"2024-01-01T11:52:06Z","properties":{"amount":121.36,"currency":"SGD","items":1}}
{"type":"track","userId":"u1","event":"email_open","timestamp":"2024-01-01T13:23:37Z","properties":{"campaign":"spring"}}
{"type":"track","userId":"u2","event":"site_visit","timestamp":"2024-01-01T14:32:47Z","properties":{"page":"/pricing","seconds":63}}
{"type":"track","userId":"u3","event":"site_visit","timestamp":"2024-01-01T15:40:12Z","properties":{"page":"/","seconds":30}}
{"type":"track","userId":"u2","event":"form_submit","timestamp":"2024-01-01T16:50:17Z","properties":{"form":"trial_signup"}}
{"type":"track","userId":"u1","event":"site_visit","timestamp":"2024-01-02T09:47:15Z","properties":{"page":"/case-studies","seconds":185}}
)");
}

TEST(GenWriters, CsvColumnsAreTheUnionOverTheMix) {
  GeneratorConfig c = tiny();
  c.mix = {};
  c.mix[static_cast<size_t>(EventType::content_viewed)] = 1;
  c.mix[static_cast<size_t>(EventType::purchase)] = 1;
  c.mix[static_cast<size_t>(EventType::form_submit)] = 1;
  EXPECT_EQ(events_as(Format::csv, c),
            R"(user_id,event,timestamp,content_id,category,seconds,amount,currency,items,form
u1,form_submit,2024-01-01T11:52:06Z,,,,,,,trial_signup
u2,content_viewed,2024-01-02T11:48:39Z,c0239,video,78,,,,
u2,form_submit,2024-01-02T12:13:03Z,,,,,,,trial_signup
u1,purchase,2024-01-02T17:35:39Z,,,,7.27,SGD,2,
u0,form_submit,2024-01-02T17:51:04Z,,,,,,,trial_signup
u1,purchase,2024-01-02T23:06:24Z,,,,176.12,SGD,1,
)");
}

TEST(GenWriters, NdjsonProfilesGolden) {
  EXPECT_EQ(profiles_as(Format::ndjson, tiny()),
            R"({"user_id":"u0","plan":"free","signed_up":"2024-01-01T17:09:14Z","industry":"software","city":"Madrid","job_title":"Software Engineer","company_size":10,"country":"ES","newsletter":true,"tags":[]}
{"user_id":"u1","plan":"trial","signed_up":"2024-01-01T04:49:00Z","industry":"finance","city":"Singapore","job_title":"Marketing Manager","company_size":49,"country":"SG","newsletter":false,"tags":[]}
{"user_id":"u2","plan":"free","signed_up":"2023-10-23T00:14:42Z","industry":"finance","city":"San Francisco","job_title":"Sales Director","company_size":6,"country":"US","newsletter":false,"tags":[]}
{"user_id":"u3","plan":"free","signed_up":"2023-08-09T17:38:37Z","industry":null,"city":"San Francisco","job_title":"Student","company_size":44,"country":"US","newsletter":false,"tags":[]}
)");
}

TEST(GenWriters, CsvProfilesGolden) {
  EXPECT_EQ(profiles_as(Format::csv, tiny()),
            R"(user_id,plan,signed_up,industry,city,job_title,company_size,country,newsletter,tags
u0,free,2024-01-01T17:09:14Z,software,Madrid,Software Engineer,10,ES,true,
u1,trial,2024-01-01T04:49:00Z,finance,Singapore,Marketing Manager,49,SG,false,
u2,free,2023-10-23T00:14:42Z,finance,San Francisco,Sales Director,6,US,false,
u3,free,2023-08-09T17:38:37Z,,San Francisco,Student,44,US,false,
)");
}

TEST(GenWriters, SegmentIdentifyGolden) {
  const std::string out = profiles_as(Format::segment, tiny());
  EXPECT_EQ(out.substr(0, out.find('\n') + 1),
            R"({"type":"identify","userId":"u0","timestamp":"2024-01-01T17:09:14Z","traits":{"plan":"free","signed_up":"2024-01-01T17:09:14Z","industry":"software","city":"Madrid","job_title":"Software Engineer","company_size":10,"country":"ES","newsletter":true,"tags":[]}}
)");
  EXPECT_NE(out.find(R"("userId":"u3","timestamp":"2023-08-09T17:38:37Z","traits":{"plan":"free",)"
                     R"("signed_up":"2023-08-09T17:38:37Z","industry":null,)"),
            std::string::npos);
}

Profile tagged_profile() {
  Profile p;
  p.user = 17;
  p.plan = "paid";
  p.signed_up = 1704277500;
  p.city = "Paris";
  p.job_title = "VP, Marketing";  // needs CSV quoting
  p.company_size = 250;
  p.country = "FR";
  p.newsletter = true;
  p.tag_storage = {"vip", "beta"};
  p.num_tags = 2;
  return p;
}

TEST(GenWriters, ListsAreJoinedWithPipeInCsvAndArraysInJson) {
  Sink csv, json;
  ProfileWriter(Format::csv, csv).write(tagged_profile());
  ProfileWriter(Format::ndjson, json).write(tagged_profile());
  EXPECT_EQ(csv.str(),
            "user_id,plan,signed_up,industry,city,job_title,company_size,country,newsletter,tags\n"
            "u17,paid,2024-01-03T10:25:00Z,,Paris,\"VP, Marketing\",250,FR,true,vip|beta\n");
  EXPECT_EQ(json.str(),
            R"({"user_id":"u17","plan":"paid","signed_up":"2024-01-03T10:25:00Z","industry":null,"city":"Paris",)"
            R"("job_title":"VP, Marketing","company_size":250,"country":"FR","newsletter":true,"tags":["vip","beta"]})"
            "\n");
}

TEST(GenWriters, EscapingAndNumbers) {
  std::string s;
  append_json_string(s, "a\"b\\c\nd\x01\t");
  EXPECT_EQ(s, R"("a\"b\\c\nd\u0001\t")");
  s.clear();
  append_csv_field(s, "plain");
  s += ';';
  append_csv_field(s, "say \"hi\", ok");
  s += ';';
  append_csv_field(s, "a|b");
  EXPECT_EQ(s, R"(plain;"say ""hi"", ok";a|b)");
  s.clear();
  for (double v : {45.0, 12.5, 121.36, 0.99, 50000.0}) {
    append_number(s, v);
    s += ' ';
  }
  EXPECT_EQ(s, "45 12.5 121.36 0.99 50000 ");
}

TEST(GenWriters, FormatsFromNamesAndExtensions) {
  EXPECT_EQ(parse_format("ndjson"), Format::ndjson);
  EXPECT_EQ(parse_format("csv"), Format::csv);
  EXPECT_EQ(parse_format("segment"), Format::segment);
  EXPECT_EQ(parse_format("xml"), std::nullopt);
  EXPECT_EQ(format_from_path("out/events.ndjson"), Format::ndjson);
  EXPECT_EQ(format_from_path("events.jsonl"), Format::ndjson);
  EXPECT_EQ(format_from_path("events.csv"), Format::csv);
  EXPECT_EQ(format_from_path("events.txt"), std::nullopt);
}

TEST(GenWriters, LargeOutputIsByteIdenticalAcrossRuns) {
  GeneratorConfig c = tiny();
  c.users = 300;
  c.events = 20000;
  c.span_days = 30;
  for (Format f : {Format::ndjson, Format::csv, Format::segment}) {
    EXPECT_EQ(events_as(f, c), events_as(f, c));
    EXPECT_EQ(profiles_as(f, c), profiles_as(f, c));
  }
  GeneratorConfig other = c;
  other.seed = 8;
  EXPECT_NE(events_as(Format::ndjson, c), events_as(Format::ndjson, other));
}

}  // namespace
}  // namespace scorec::gen
