// MpiWorld over Open MPI's C API (see mpi_world.hpp).
#include "cluster/mpi_world.hpp"

#include <mpi.h>

#include <cstdlib>
#include <cstring>

namespace quarry::cluster {

bool MpiWorld::Launched() {
  for (const char* variable : {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK"}) {
    if (std::getenv(variable) != nullptr) return true;
  }
  return false;
}

Result<std::unique_ptr<MpiWorld>> MpiWorld::Start(int* argc, char*** argv) {
  int provided = 0;
  if (MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided) != MPI_SUCCESS) {
    return Error{"cannot start MPI"};
  }
  int rank = 0, size = 0, length = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  char host[MPI_MAX_PROCESSOR_NAME] = {};
  MPI_Get_processor_name(host, &length);
  return std::unique_ptr<MpiWorld>(new MpiWorld(rank, size, std::string(host, static_cast<size_t>(length))));
}

MpiWorld::~MpiWorld() {
  MPI_Finalize();
}

void MpiWorld::Send(int rank, int tag, const std::string& bytes) {
  MPI_Send(bytes.data(), static_cast<int>(bytes.size()), MPI_BYTE, rank, tag, MPI_COMM_WORLD);
}

std::pair<int, std::string> MpiWorld::Receive(int tag) {
  MPI_Status status;
  MPI_Probe(MPI_ANY_SOURCE, tag, MPI_COMM_WORLD, &status);
  int count = 0;
  MPI_Get_count(&status, MPI_BYTE, &count);
  std::string bytes(static_cast<size_t>(count), '\0');
  MPI_Recv(bytes.data(), count, MPI_BYTE, status.MPI_SOURCE, tag, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
  return {status.MPI_SOURCE, std::move(bytes)};
}

bool MpiWorld::Waiting(int tag) {
  int flag = 0;
  MPI_Iprobe(MPI_ANY_SOURCE, tag, MPI_COMM_WORLD, &flag, MPI_STATUS_IGNORE);
  return flag != 0;
}

void MpiWorld::Abort(int code) {
  MPI_Abort(MPI_COMM_WORLD, code);
  std::abort();
}

MessageWriter& MessageWriter::U64(uint64_t value) {
  char raw[sizeof value];
  std::memcpy(raw, &value, sizeof value);
  bytes_.append(raw, sizeof raw);
  return *this;
}

MessageWriter& MessageWriter::String(const std::string& value) {
  U64(value.size());
  bytes_ += value;
  return *this;
}

bool MessageReader::U64(uint64_t& value) {
  if (bytes_.size() - offset_ < sizeof value) return false;
  std::memcpy(&value, bytes_.data() + offset_, sizeof value);
  offset_ += sizeof value;
  return true;
}

bool MessageReader::String(std::string& value) {
  uint64_t size = 0;
  if (!U64(size) || bytes_.size() - offset_ < size) return false;
  value.assign(bytes_, offset_, size);
  offset_ += size;
  return true;
}

}  // namespace quarry::cluster
