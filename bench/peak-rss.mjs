// Preloaded into the vigie process by the benchmark (node --import): on exit,
// write the peak resident set size the kernel counted (getrusage ru_maxrss),
// so the peak is exact even if it happened between two polls of /proc.
import { writeFileSync } from 'node:fs';

const file = process.env.VIGIE_BENCH_RSS_FILE;
if (file) {
  process.on('exit', () => {
    const u = process.resourceUsage();
    writeFileSync(file, JSON.stringify({ maxRssKb: u.maxRSS, userCpuMs: Math.round(u.userCPUTime / 1000), systemCpuMs: Math.round(u.systemCPUTime / 1000) }));
  });
}
