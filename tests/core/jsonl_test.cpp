#include "core/jsonl.h"

#include <gtest/gtest.h>

#include "core/error.h"
#include "core/fs.h"
#include "test_util.h"

namespace upt {

TEST(JsonlReaderTest, ReportsLineNumbersSkipsBlankLinesAndFlagsBadLines) {
  testing::TempDir dir;
  std::string p = dir.file("x.jsonl");
  WriteFileAtomic(p, "{\"a\":1}\r\n\n{bad json}\n\xff\xfe\n{\"a\":4}");
  JsonlReader r(p);
  JsonlRecord rec;
  ASSERT_TRUE(r.Next(&rec));
  EXPECT_EQ(rec.line, 1);
  EXPECT_TRUE(rec.error.empty());
  EXPECT_EQ(rec.value["a"], 1);
  ASSERT_TRUE(r.Next(&rec));
  EXPECT_EQ(rec.line, 3);
  EXPECT_NE(rec.error.find("invalid JSON"), std::string::npos);
  ASSERT_TRUE(r.Next(&rec));
  EXPECT_EQ(rec.line, 4);
  EXPECT_NE(rec.error.find("invalid UTF-8"), std::string::npos);
  ASSERT_TRUE(r.Next(&rec));
  EXPECT_EQ(rec.line, 5);
  EXPECT_EQ(rec.value["a"], 4);
  EXPECT_FALSE(r.Next(&rec));
}

TEST(JsonFieldTest, MissingAndWrongTypedFieldsNameFileLineAndField) {
  Json obj = Json::parse(R"({"id": 3, "text": "hi"})");
  JsonSource src{"data.jsonl", 12};
  EXPECT_EQ(RequireString(obj, "text", src), "hi");
  try {
    RequireString(obj, "id", src);
    FAIL();
  } catch (const Error& e) {
    std::string m = e.what();
    EXPECT_NE(m.find("data.jsonl:12"), std::string::npos) << m;
    EXPECT_NE(m.find("'id'"), std::string::npos) << m;
    EXPECT_NE(m.find("string"), std::string::npos) << m;
  }
  try {
    RequireString(obj, "answer", src);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("missing"), std::string::npos);
  }
  EXPECT_EQ(OptString(obj, "answer", src, "dflt"), "dflt");
}

TEST(LineReaderTest, ReadsVeryLongLines) {
  testing::TempDir dir;
  std::string p = dir.file("long.txt");
  std::string big(3 << 20, 'x');
  WriteFileAtomic(p, big + "\nshort\n");
  LineReader r(p);
  std::string line;
  ASSERT_TRUE(r.Next(&line));
  EXPECT_EQ(line.size(), big.size());
  ASSERT_TRUE(r.Next(&line));
  EXPECT_EQ(line, "short");
  EXPECT_FALSE(r.Next(&line));
}

}  // namespace upt
