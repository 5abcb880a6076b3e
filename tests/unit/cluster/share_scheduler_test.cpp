// ShareScheduler: shares cut by bytes and files cover the listing exactly once; a failed attempt is
// issued again; a straggler's share gets a second attempt and the first answer wins; a job stopped
// half-way and resumed from its log redoes exactly the shares that were not committed.
#include "cluster/share_scheduler.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>

namespace quarry::cluster {
namespace {

namespace fs = std::filesystem;

class ShareSchedulerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("quarry_share_scheduler_" + std::to_string(::getpid()) + "_" +
                                         ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root_);
    // 40 files of 1..40 bytes in 4 folders.
    for (int i = 0; i < 40; i++) {
      const fs::path file = root_ / "data" / ("f" + std::to_string(i % 4)) / ("file" + std::to_string(100 + i));
      fs::create_directories(file.parent_path());
      std::ofstream(file) << std::string(static_cast<size_t>(i + 1), 'x');
      all_.insert(file.string());
    }
  }
  void TearDown() override { fs::remove_all(root_); }

  std::unique_ptr<io::FileListing> Listing(std::function<bool(const std::string&)> exclude = nullptr) const {
    io::FileListOptions options;
    options.recursive = true;
    options.exclude = std::move(exclude);
    auto listing = io::FileListing::Start({(root_ / "data").string()}, options);
    EXPECT_TRUE(listing.ok()) << listing.error();
    return std::move(listing).value();
  }
  std::unique_ptr<JobLog> Log(bool resume) const {
    auto log = JobLog::Open((root_ / "job").string(), "the job", resume);
    EXPECT_TRUE(log.ok()) << log.error();
    return std::move(log).value();
  }

  fs::path root_;
  std::set<std::string> all_;
};

TEST_F(ShareSchedulerTest, SharesCoverTheListingOnceCutByBytesAndFiles) {
  auto log = Log(false);
  ShareScheduler scheduler(Listing(), *log, ShareSize{100, 7});
  std::set<std::string> seen;
  while (true) {
    auto next = scheduler.Next(1);
    ASSERT_TRUE(next.ok()) << next.error();
    if (next.value().kind == Assignment::Kind::kDone) break;
    ASSERT_EQ(next.value().kind, Assignment::Kind::kShare);
    const auto& task = next.value().task;
    uint64_t bytes = 0;
    for (size_t i = 0; i < task.files.size(); i++) {
      EXPECT_TRUE(seen.insert(task.files[i].path).second) << "twice: " << task.files[i].path;
      if (i + 1 < task.files.size()) bytes += task.files[i].size;
    }
    EXPECT_LE(task.files.size(), 7u);
    EXPECT_LT(bytes, 100u);  // the share closed at the file that reached 100 bytes
    EXPECT_TRUE(scheduler.Finished(1, task.share, task.attempt, {}));
    ASSERT_TRUE(scheduler.CommitWinners().ok());
  }
  EXPECT_EQ(seen, all_);
  EXPECT_TRUE(scheduler.done());
  EXPECT_EQ(log->state().commits.size(), scheduler.shares_issued());
}

TEST_F(ShareSchedulerTest, AFailedAttemptIsIssuedAgain) {
  auto log = Log(false);
  ShareScheduler scheduler(Listing(), *log, ShareSize{1000, 50});  // one share
  auto first = scheduler.Next(1).value();
  ASSERT_EQ(first.kind, Assignment::Kind::kShare);
  scheduler.Failed(1, first.task.share, first.task.attempt);
  auto again = scheduler.Next(2).value();
  ASSERT_EQ(again.kind, Assignment::Kind::kShare);
  EXPECT_EQ(again.task.share, first.task.share);
  EXPECT_EQ(again.task.attempt, 1u);
  EXPECT_FALSE(scheduler.Finished(1, first.task.share, first.task.attempt, {}));  // the failed attempt
  EXPECT_TRUE(scheduler.Finished(2, again.task.share, again.task.attempt, {}));
  ASSERT_TRUE(scheduler.CommitWinners().ok());
  EXPECT_EQ(scheduler.Next(1).value().kind, Assignment::Kind::kDone);
}

TEST_F(ShareSchedulerTest, AStragglersShareRunsTwiceAndTheFirstAnswerWins) {
  auto log = Log(false);
  auto now = std::chrono::steady_clock::time_point();
  ShareScheduler scheduler(Listing(), *log, ShareSize{1000, 20}, [&] { return now; });  // two shares
  auto slow = scheduler.Next(1).value();
  now += std::chrono::seconds(1);
  auto fast = scheduler.Next(2).value();
  ASSERT_EQ(fast.kind, Assignment::Kind::kShare);
  EXPECT_TRUE(scheduler.Finished(2, fast.task.share, fast.task.attempt, {"b"}));
  // Nothing new is left: worker 2 gets a second attempt of worker 1's share; worker 1 cannot.
  auto second = scheduler.Next(2).value();
  ASSERT_EQ(second.kind, Assignment::Kind::kShare);
  EXPECT_EQ(second.task.share, slow.task.share);
  EXPECT_NE(second.task.attempt, slow.task.attempt);
  EXPECT_EQ(scheduler.Next(3).value().kind, Assignment::Kind::kWait);  // both attempts run already
  EXPECT_TRUE(scheduler.Finished(2, second.task.share, second.task.attempt, {"a2"}));
  EXPECT_FALSE(scheduler.Finished(1, slow.task.share, slow.task.attempt, {"a1"}));  // too late
  ASSERT_TRUE(scheduler.CommitWinners().ok());
  EXPECT_EQ(log->state().commits.at(slow.task.share).outputs, std::vector<std::string>{"a2"});
  EXPECT_EQ(scheduler.Next(1).value().kind, Assignment::Kind::kDone);
}

TEST_F(ShareSchedulerTest, AResumedJobRedoesExactlyWhatWasNotCommitted) {
  std::set<std::string> committed_files;
  {
    auto log = Log(false);
    ShareScheduler scheduler(Listing(), *log, ShareSize{60, 5});
    // Shares 0..5 issued; 0, 2 and 5 committed; the others were running when the job died.
    std::vector<ShareTask> tasks;
    for (int i = 0; i < 6; i++) tasks.push_back(scheduler.Next(1).value().task);
    for (int i : {0, 2, 5}) {
      ASSERT_TRUE(scheduler.Finished(1, tasks[i].share, tasks[i].attempt, {}));
      for (const auto& file : tasks[i].files) committed_files.insert(file.path);
    }
    ASSERT_TRUE(scheduler.CommitWinners().ok());
  }
  auto log = Log(true);
  EXPECT_EQ(log->state().commits.size(), 3u);
  ShareScheduler scheduler(Listing(ExcludeCommitted(log->state())), *log, ShareSize{60, 5});
  std::set<std::string> redone;
  std::set<uint64_t> ids;
  while (true) {
    auto next = scheduler.Next(1).value();
    if (next.kind == Assignment::Kind::kDone) break;
    EXPECT_GE(next.task.share, 6u);  // new shares continue the log's numbering
    ids.insert(next.task.share);
    for (const auto& file : next.task.files) {
      EXPECT_TRUE(redone.insert(file.path).second);
      EXPECT_EQ(committed_files.count(file.path), 0u) << "done twice: " << file.path;
    }
    ASSERT_TRUE(scheduler.Finished(1, next.task.share, next.task.attempt, {}));
    ASSERT_TRUE(scheduler.CommitWinners().ok());
  }
  std::set<std::string> union_of_both = committed_files;
  union_of_both.insert(redone.begin(), redone.end());
  EXPECT_EQ(union_of_both, all_);
  EXPECT_EQ(committed_files.size() + redone.size(), all_.size());
}

}  // namespace
}  // namespace quarry::cluster
