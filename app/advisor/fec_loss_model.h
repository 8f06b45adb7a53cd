#pragma once

namespace app
{

// What Reed-Solomon FEC leaves to the ARQ on a link that drops datagrams independently with
// probability `lossRate`. kcp-go sends `dataShards` data datagrams then `parityShards` parity
// datagrams per group; the receiver rebuilds every lost data shard of a group that is missing at
// most `parityShards` of its datagrams, and none of a group missing more. The result is the
// expected fraction of data shards that stay lost and must wait for a retransmission (one RTT
// at least). With parityShards 0 it is lossRate itself. Bursty loss does worse than this model.
double fecResidualLoss(double lossRate, int dataShards, int parityShards);

// The fewest parity shards (0..maxParity) for which fecResidualLoss() is at most target, or -1
// if even maxParity leaves more.
int parityShardsFor(double lossRate, int dataShards, double target, int maxParity);

} // namespace app
