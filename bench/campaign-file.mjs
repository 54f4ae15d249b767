// The file-list runs of `npm run bench`: preview_campaign reading 10,000 and 100,000 recipients
// from a URL the stand-in serves (streamed), timed, with the peak memory of the workerd process
// running the app's object (sampled every 50 ms, above what it held before); and get_campaign on a
// 1,000- and a 100,000-recipient preview (its counts come from tallies, so the two should match).
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";

const SIZES = [10_000, 100_000];
const READS = 50;

/** The workerd process in a wrangler dev process group (the one that runs the worker and its objects). */
function workerdPid(group) {
  const lines = execFileSync("ps", ["-eo", "pid=,pgid=,comm="], { encoding: "utf8" }).trim().split("\n");
  const found = lines.map((l) => l.trim().split(/\s+/)).find(([, pgid, comm]) => Number(pgid) === group && comm.includes("workerd"));
  return found ? Number(found[0]) : undefined;
}
const rssMb = (pid) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0) / 1024;

export async function fileRuns({ client, standin, group, log }) {
  const appId = "bench-lists";
  standin.setLatency(0);
  const pid = workerdPid(group);
  const pct = (values, p) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.ceil((p / 100) * values.length) - 1)];
  const reads = async (campaignId) => {
    const times = [];
    for (let i = 0; i < READS; i++) {
      const t0 = performance.now();
      const r = await client.callTool({ name: "get_campaign", arguments: { campaignId } });
      if (r.isError) throw new Error(`get_campaign failed: ${r.content?.[0]?.text}`);
      times.push(performance.now() - t0);
    }
    return { p50: pct(times, 50), p95: pct(times, 95) };
  };

  const small = await client.callTool({
    name: "preview_campaign",
    arguments: {
      appId,
      templateId: `${appId}-t1`,
      name: "one thousand",
      recipients: Array.from({ length: 1000 }, (_, i) => ({ destination: `+9194${String(i).padStart(8, "0")}`, params: [`N${i}`] })),
    },
  });
  if (small.isError) throw new Error(`preview_campaign failed: ${small.content?.[0]?.text}`);
  const getCampaign = { 1000: await reads(small.structuredContent.campaignId) };

  const previews = [];
  for (const rows of SIZES) {
    const before = pid ? rssMb(pid) : Number.NaN;
    let peak = before;
    const sampler = setInterval(() => {
      if (pid) peak = Math.max(peak, rssMb(pid));
    }, 50);
    const t0 = performance.now();
    const result = await client.callTool(
      { name: "preview_campaign", arguments: { appId, templateId: `${appId}-t1`, name: `file ${rows}`, recipientsUrl: `${standin.url}/files/customers-${rows}.csv` } },
      undefined,
      { timeout: 600_000 },
    );
    const seconds = (performance.now() - t0) / 1000;
    clearInterval(sampler);
    if (result.isError) throw new Error(`preview_campaign from a file failed: ${result.content?.[0]?.text}`);
    previews.push({ rows, queued: result.structuredContent.queued, seconds, rssBefore: before, rssPeak: peak, growth: peak - before });
    log(`file preview of ${rows}: ${seconds.toFixed(1)} s, workerd RSS ${before.toFixed(0)} → peak ${peak.toFixed(0)} MB`);
    if (rows === 100_000) getCampaign[100_000] = await reads(result.structuredContent.campaignId);
  }
  return { previews, getCampaign };
}
