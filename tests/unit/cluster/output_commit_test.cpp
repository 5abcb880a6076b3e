// Output commit: staged files move into place under their published names, publishing twice changes
// nothing, losers are discarded, the manifest is written whole.
#include "cluster/output_commit.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace quarry::cluster {
namespace {

namespace fs = std::filesystem;

class OutputCommitTest : public ::testing::Test {
 protected:
  void SetUp() override {
    output_ = (fs::temp_directory_path() / ("quarry_output_commit_" + std::to_string(::getpid()) + "_" +
                                            ::testing::UnitTest::GetInstance()->current_test_info()->name()))
                  .string();
    fs::remove_all(output_);
    fs::create_directories(output_);
  }
  void TearDown() override { fs::remove_all(output_); }
  void Stage(uint64_t share, uint32_t attempt, const std::string& name, const std::string& content) const {
    fs::create_directories(StagingFolder(output_, share, attempt));
    std::ofstream(StagingFolder(output_, share, attempt) + "/" + name) << content;
  }
  std::string Read(const std::string& name) const {
    std::ifstream in(output_ + "/" + name);
    std::stringstream content;
    content << in.rdbuf();
    return content.str();
  }
  std::vector<std::string> Listing() const {
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(output_)) names.push_back(entry.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
  }
  std::string output_;
};

TEST_F(OutputCommitTest, PublishMovesStagedFilesIntoPlaceOnce) {
  Stage(3, 1, "rows.parquet", "three");
  Stage(3, 1, "more.parquet", "four");
  auto staged = StagedFiles(output_, 3, 1);
  ASSERT_TRUE(staged.ok());
  EXPECT_EQ(staged.value(), (std::vector<std::string>{"more.parquet", "rows.parquet"}));
  ASSERT_TRUE(SealAttempt(output_, 3, 1).ok());
  ASSERT_TRUE(PublishShare(output_, 3, 1, staged.value()).ok());
  EXPECT_EQ(Read(PublishedName(3, "rows.parquet")), "three");
  EXPECT_EQ(PublishedName(3, "rows.parquet"), "part-000003-rows.parquet");
  // Publishing again (a resume after a crash right after publishing) changes nothing.
  ASSERT_TRUE(PublishShare(output_, 3, 1, staged.value()).ok());
  EXPECT_EQ(Listing(),
            (std::vector<std::string>{".quarry-staging", "part-000003-more.parquet", "part-000003-rows.parquet"}));
}

TEST_F(OutputCommitTest, APublishInterruptedHalfWayIsFinished) {
  Stage(1, 0, "a", "A");
  Stage(1, 0, "b", "B");
  // As if a crash came after the first rename.
  fs::rename(StagingFolder(output_, 1, 0) + "/a", output_ + "/" + PublishedName(1, "a"));
  ASSERT_TRUE(PublishShare(output_, 1, 0, {"a", "b"}).ok());
  EXPECT_EQ(Read(PublishedName(1, "a")), "A");
  EXPECT_EQ(Read(PublishedName(1, "b")), "B");
  EXPECT_FALSE(fs::exists(StagingFolder(output_, 1, 0)));
}

TEST_F(OutputCommitTest, ACommittedFileThatIsGoneIsAnError) {
  Stage(2, 0, "a", "A");
  auto published = PublishShare(output_, 2, 0, {"a", "missing"});
  ASSERT_FALSE(published.ok());
  EXPECT_NE(published.error().find("is gone"), std::string::npos) << published.error();
}

TEST_F(OutputCommitTest, LosersAndLeftoversAreRemoved) {
  Stage(4, 0, "a", "winner");
  Stage(4, 1, "a", "loser");
  Stage(5, 0, "a", "never committed");
  ASSERT_TRUE(PublishShare(output_, 4, 0, {"a"}).ok());
  ASSERT_TRUE(DiscardAttempt(output_, 4, 1).ok());
  EXPECT_FALSE(fs::exists(StagingFolder(output_, 4, 1)));
  ASSERT_TRUE(RemoveStaging(output_).ok());
  EXPECT_EQ(Listing(), std::vector<std::string>{"part-000004-a"});
  EXPECT_EQ(Read("part-000004-a"), "winner");
}

TEST_F(OutputCommitTest, TheManifestListsTheFiles) {
  ASSERT_TRUE(WriteManifest(output_, {"part-000000-a.parquet", "odd \"name\"\n"}).ok());
  EXPECT_EQ(Read(kManifestName), "{\"files\": [\"part-000000-a.parquet\", \"odd \\\"name\\\"\\u000a\"]}\n");
  EXPECT_FALSE(fs::exists(output_ + "/" + kManifestName + ".tmp"));
}

}  // namespace
}  // namespace quarry::cluster
