// JobLog: records survive reopening, a torn last record is dropped, damage before the end and another
// job's log are refused, one coordinator per folder.
#include "cluster/job_log.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace quarry::cluster {
namespace {

namespace fs = std::filesystem;

class JobLogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    folder_ = fs::temp_directory_path() / ("quarry_job_log_" + std::to_string(::getpid()) + "_" +
                                           ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(folder_);
  }
  void TearDown() override { fs::remove_all(folder_); }
  std::string log_path() const { return (folder_ / JobLog::kFileName).string(); }
  void AppendRaw(const std::string& bytes) const {
    std::ofstream out(log_path(), std::ios::app | std::ios::binary);
    out << bytes;
  }
  fs::path folder_;
};

TEST_F(JobLogTest, Crc32IsTheIeeeChecksum) {
  EXPECT_EQ(Crc32("123456789"), 0xCBF43926u);
}

TEST_F(JobLogTest, RecordsSurviveReopening) {
  {
    auto log = JobLog::Open(folder_.string(), "job A", false);
    ASSERT_TRUE(log.ok()) << log.error();
    ASSERT_TRUE(log.value()->DefineShare({0, "a/1.jpg", "a/9.jpg", 9, 900}).ok());
    ASSERT_TRUE(log.value()->DefineShare({1, "b\tname\nwith\\odd.jpg", "c.jpg", 2, 20}).ok());
    ASSERT_TRUE(log.value()->Commit({{1, 3, {"part-000001-x.parquet", "part-000001-y.parquet"}}}).ok());
  }
  auto log = JobLog::Open(folder_.string(), "job A", true);
  ASSERT_TRUE(log.ok()) << log.error();
  const auto& state = log.value()->state();
  EXPECT_EQ(state.fingerprint, "job A");
  ASSERT_EQ(state.shares.size(), 2u);
  EXPECT_EQ(state.shares.at(1).first_path, "b\tname\nwith\\odd.jpg");
  EXPECT_EQ(state.shares.at(0).bytes, 900u);
  ASSERT_EQ(state.commits.size(), 1u);
  EXPECT_EQ(state.commits.at(1).attempt, 3u);
  EXPECT_EQ(state.commits.at(1).outputs, (std::vector<std::string>{"part-000001-x.parquet", "part-000001-y.parquet"}));
  EXPECT_EQ(state.next_share_id(), 2u);
  EXPECT_FALSE(state.finished);
  ASSERT_TRUE(log.value()->Finish().ok());
  EXPECT_TRUE(log.value()->state().finished);
}

TEST_F(JobLogTest, AFolderWithAJobNeedsResumeAndTheSameJob) {
  { ASSERT_TRUE(JobLog::Open(folder_.string(), "job A", false).ok()); }
  auto again = JobLog::Open(folder_.string(), "job A", false);
  ASSERT_FALSE(again.ok());
  EXPECT_NE(again.error().find("holds a job already"), std::string::npos) << again.error();
  auto other = JobLog::Open(folder_.string(), "job B", true);
  ASSERT_FALSE(other.ok());
  EXPECT_NE(other.error().find("holds another job"), std::string::npos) << other.error();
  // Resuming a folder with no log starts the job.
  auto fresh = JobLog::Open((folder_ / "new").string(), "job C", true);
  ASSERT_TRUE(fresh.ok()) << fresh.error();
  EXPECT_EQ(fresh.value()->state().fingerprint, "job C");
}

TEST_F(JobLogTest, OneCoordinatorAtATime) {
  auto first = JobLog::Open(folder_.string(), "job A", false);
  ASSERT_TRUE(first.ok());
  auto second = JobLog::Open(folder_.string(), "job A", true);
  ASSERT_FALSE(second.ok());
  EXPECT_NE(second.error().find("in use"), std::string::npos) << second.error();
}

TEST_F(JobLogTest, ATornLastRecordIsDroppedAndTheLogGoesOn) {
  {
    auto log = JobLog::Open(folder_.string(), "job A", false);
    ASSERT_TRUE(log.value()->DefineShare({0, "a", "b", 2, 2}).ok());
    ASSERT_TRUE(log.value()->Commit({{0, 0, {}}}).ok());
  }
  const auto whole_size = fs::file_size(log_path());
  AppendRaw("0badc0de commit\t1");  // a crash in the middle of an append: no newline
  {
    auto log = JobLog::Open(folder_.string(), "job A", true);
    ASSERT_TRUE(log.ok()) << log.error();
    EXPECT_EQ(log.value()->state().commits.size(), 1u);
    EXPECT_EQ(fs::file_size(log_path()), whole_size);  // truncated back
    ASSERT_TRUE(log.value()->DefineShare({1, "c", "d", 2, 2}).ok());
  }
  // A whole last line with a wrong checksum is a torn write too.
  AppendRaw("00000000 share\t2\te\tf\t1\t1\n");
  auto log = JobLog::Open(folder_.string(), "job A", true);
  ASSERT_TRUE(log.ok()) << log.error();
  EXPECT_EQ(log.value()->state().shares.size(), 2u);
}

TEST_F(JobLogTest, DamageBeforeTheEndIsAnError) {
  { ASSERT_TRUE(JobLog::Open(folder_.string(), "job A", false).ok()); }
  AppendRaw("00000000 share\t2\te\tf\t1\t1\n");
  {
    std::ofstream out(log_path(), std::ios::app | std::ios::binary);
    out << "whatever\n";
  }
  {
    // Make the last line a valid record so the bad one is not at the end.
    std::string body = "finish";
    char crc[9];
    std::snprintf(crc, sizeof crc, "%08x", Crc32(body));
    AppendRaw(std::string(crc) + " " + body + "\n");
  }
  auto log = JobLog::Open(folder_.string(), "job A", true);
  ASSERT_FALSE(log.ok());
  EXPECT_NE(log.error().find("damaged at line 2"), std::string::npos) << log.error();
}

TEST_F(JobLogTest, ASecondCommitOfAShareIsRefused) {
  auto log = JobLog::Open(folder_.string(), "job A", false);
  ASSERT_TRUE(log.value()->DefineShare({0, "a", "b", 2, 2}).ok());
  ASSERT_TRUE(log.value()->Commit({{0, 0, {"x"}}}).ok());
  EXPECT_FALSE(log.value()->Commit({{0, 1, {"y"}}}).ok());
  EXPECT_FALSE(log.value()->Commit({{7, 0, {}}}).ok());  // never defined
  EXPECT_EQ(log.value()->state().commits.at(0).outputs, std::vector<std::string>{"x"});
}

}  // namespace
}  // namespace quarry::cluster
