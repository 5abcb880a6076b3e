// Output files of a job, committed atomically share by share: the write side of the commit protocol.
//
// A worker writes a share's files into a staging folder of its own attempt,
//   <output>/.quarry-staging/<share>.<attempt>/<name>,
// where nothing reads them. The coordinator decides which attempt of a share wins (the first to
// finish), records the commit in the job log (durable: from then on the share is done), and then
// publishes: each staged file is renamed to its final name, part-<share>-<name>, in <output>. A rename
// within one file system is atomic, so a reader sees a part file whole or not at all; publishing again
// after a crash finishes what the crash interrupted and changes nothing already in place. Staging
// folders of attempts that lost, or of shares never committed, are removed. The manifest,
// <output>/_quarry_manifest.json, is written last (to a temporary name, made durable, renamed): when it
// exists, the job is complete, and it lists every part file in share order.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "cluster/job_log.hpp"
#include "common/result.hpp"

namespace quarry::cluster {

// The staging folder of attempt `attempt` of share `share` under the output folder `output`.
std::string StagingFolder(const std::string& output, uint64_t share, uint32_t attempt);

// The final name (relative to `output`) of the staged file `name` of share `share`.
std::string PublishedName(uint64_t share, const std::string& name);

// Makes an attempt's staged files durable (each file, and the staging folder): a worker calls it before
// it reports the share done, so a commit never names bytes a crash can still take away.
Result<bool> SealAttempt(const std::string& output, uint64_t share, uint32_t attempt);

// The files staged by an attempt, by name, sorted (no folders).
Result<std::vector<std::string>> StagedFiles(const std::string& output, uint64_t share, uint32_t attempt);

// Renames the staged files `names` of the attempt into place under their published names, made
// durable, and removes the attempt's staging folder. Idempotent: a file already published (staged one
// gone, final one there) is skipped; a staged file missing with no final file either is an Error.
Result<bool> PublishShare(const std::string& output, uint64_t share, uint32_t attempt,
                          const std::vector<std::string>& names);

// Removes the staging folder of one attempt (an attempt that lost, or failed).
Result<bool> DiscardAttempt(const std::string& output, uint64_t share, uint32_t attempt);

// Removes every staging folder left under `output` (after a resume has published what was committed).
Result<bool> RemoveStaging(const std::string& output);

// On a resume: publishes again every share the log holds committed (finishing renames a crash cut
// short), then removes every other staging folder. Returns the published names of all committed
// shares, in share order.
Result<std::vector<std::string>> RecoverOutputs(const std::string& output, const JobState& state);

// Writes the manifest listing `files` (published names) durably and atomically.
Result<bool> WriteManifest(const std::string& output, const std::vector<std::string>& files);

// The job's last step, once every share is committed and published: removes what is left of staging
// (attempts that lost), writes the manifest of `files`, and records in `log` that the job is finished.
Result<bool> FinishJob(JobLog& log, const std::string& output, const std::vector<std::string>& files);

inline constexpr const char* kManifestName = "_quarry_manifest.json";
inline constexpr const char* kStagingName = ".quarry-staging";

}  // namespace quarry::cluster
