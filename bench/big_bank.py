"""How a 3,000-question bank feels: import, show, grade and the first question of practice.

Run with `.venv/bin/python bench/big_bank.py`. A synthetic bank (half Chinese, half English,
600-1,500-character references, 3 key points each) is written to a temporary folder as YAML and
as Markdown; each command runs as a user runs it, in a new process, timed by the wall clock.
"Cold" is an empty cache folder, "warm" the same folder after one run. Prints figures, never
assertions: the targets are under 2 s for an import and under 1 s for the rest.
"""

from __future__ import annotations

import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from interviewer.bank.loader import DEFAULT_BANK, load_bank_file, shipped_banks_dir
from interviewer.bank.models import Bank, KeyPoint, Question
from interviewer.bank.writer import write_bank

Timed = Callable[[dict[str, str]], float]  # seconds a command takes in an environment
QUESTIONS = 3000
RUNS = 3
TOPICS = (
    "Redis 缓存:Redis caching|Kafka 消息队列:Kafka queues|MySQL 索引:MySQL indexes|TCP 连接:TCP connections|"
    "HTTP 缓存:HTTP caching|Kubernetes 调度:Kubernetes scheduling|Go 协程:goroutines|"
    "Java 垃圾回收:Java garbage collection|分布式锁:distributed locks|一致性哈希:consistent hashing|"
    "限流算法:rate limiting|熔断降级:circuit breakers|数据库分片:sharding|读写分离:read replicas|"
    "全文检索:full-text search|推荐系统:recommender systems|直播带货:live commerce|私域流量:owned audiences|"
    "用户增长:user growth|转化漏斗:conversion funnels|会员体系:loyalty programmes|优惠券:coupons|"
    "搜索排序:search ranking|广告投放:ad campaigns|内容审核:content moderation|日志采集:log collection|"
    "链路追踪:distributed tracing|配置中心:configuration services|灰度发布:canary releases|"
    "容器镜像:container images|服务注册:service discovery|负载均衡:load balancing|连接池:connection pools|"
    "事务隔离:transaction isolation|乐观锁:optimistic locking|布隆过滤器:Bloom filters|时间轮:timing wheels|"
    "倒排索引:inverted indexes|向量检索:vector search|特征工程:feature engineering|A/B 实验:A/B tests|"
    "埋点设计:event tracking|数据仓库:data warehouses|实时计算:stream processing|离线批处理:batch jobs|"
    "权限模型:access control|单点登录:single sign-on|对象存储:object storage|边缘缓存:CDN caching|"
    "秒杀系统:flash sales"
).split("|")
ASPECTS_ZH = (
    "原理|适用场景|常见问题|性能瓶颈|监控指标|容量规划|故障排查|设计取舍|数据一致性|扩展方式|"
    "安全风险|成本控制|上线步骤|回滚方案|测试方法|核心指标|优化手段|替代方案|演进历史|团队分工|"
    "落地难点|选型依据|边界条件|失败重试|幂等设计|超时设置|热点问题|冷启动|降级策略|评估方法"
).split("|")
ASPECTS_EN = (
    "failure modes|trade-offs|capacity planning|monitoring|consistency|scaling|security|cost|rollout|"
    "rollback|testing|tuning|alternatives|history|ownership|pitfalls|selection criteria|edge cases|"
    "retries|idempotency|timeouts|hot keys|cold starts|degradation|evaluation|observability|migration|"
    "data modelling|backpressure|caching"
).split("|")
SENTENCES_ZH = (
    "在{t}的实践中，{a}往往决定了系统能否平稳运行，需要结合业务峰值提前评估。",
    "团队通常会先用压测数据验证{t}的{a}，再根据监控结果逐步调整参数。",
    "面试时可以举一个真实案例，说明{t}在{a}上踩过的坑以及最后的解决办法。",
    "如果只关注{t}本身而忽略{a}，上线后常常会出现难以复现的问题。",
    "好的回答会把{a}拆成可以量化的指标，并说明每个指标的合理范围。",
)
SENTENCES_EN = (
    "When a team adopts {t}, {a} is usually the first thing that surprises them in production.",
    "A good answer names one concrete incident where {a} in {t} went wrong and what changed after it.",
    "Measure {a} before tuning anything, because intuition about {t} is often wrong under real load.",
    "Most designs trade simplicity for control here, and {a} is where that trade becomes visible.",
    "Interviewers listen for numbers: how much, how often, and what the team did when {a} degraded.",
)


def _reference(rng: random.Random, templates: tuple[str, ...], topic: str, aspect: str) -> str:
    """Sentences about the question until the reference is 600-1,500 characters long."""
    target = rng.randint(600, 1500)
    sentences: list[str] = []
    while sum(len(s) + 1 for s in sentences) < target:
        sentences.append(rng.choice(templates).format(t=topic, a=aspect))
        if len(sentences) % 4 == 0:
            sentences.append("\n\n")
    return " ".join(sentences).replace(" \n\n ", "\n\n").strip()


def _question(number: int, rng: random.Random) -> Question:
    """Odd numbers in Chinese, even in English; every (topic, aspect) pair at most once."""
    pair = (number - 1) // 2
    topic_zh, topic_en = TOPICS[pair % len(TOPICS)].split(":")
    aspect_index = pair // len(TOPICS)
    if number % 2:
        topic, aspect, words = topic_zh, ASPECTS_ZH[aspect_index], ("监控", "案例", "指标")
        text, reference = f"请谈谈{topic}的{aspect}是什么？", _reference(rng, SENTENCES_ZH, topic, aspect)
    else:
        topic, aspect, words = topic_en, ASPECTS_EN[aspect_index], ("measure", "incident", "trade")
        text, reference = f"What are the {aspect} of {topic}?", _reference(rng, SENTENCES_EN, topic, aspect)
    points = [
        KeyPoint(id=f"p{i}", text=f"{topic}: {aspect} ({i})", keywords=[topic, aspect, word])
        for i, word in enumerate(words, 1)
    ]
    return Question(id=f"q{number}", number=number, text=text, reference=reference, key_points=points)


def make_bank(count: int = QUESTIONS) -> Bank:
    rng = random.Random(15)
    questions = [_question(number, rng) for number in range(1, count + 1)]
    return Bank(id="big-bank", title="A big synthetic bank", language="zh-CN", questions=questions)


def to_markdown(bank: Bank) -> str:
    """The bank as a document people keep: `### N. question?` headings, each answer below."""
    parts = [f"# {bank.title}\n"]
    for question in bank.questions:
        parts.append(f"### {question.number}. {question.text}\n\n{question.reference}\n")
    return "\n".join(parts)


def _env(cache: Path, work: Path) -> dict[str, str]:
    return {
        **os.environ,
        "INTERVIEWER_CACHE_DIR": str(cache),
        "INTERVIEWER_BANKS_DIR": str(work / "banks"),
        "INTERVIEWER_TRANSCRIPTS_DIR": str(work / "transcripts"),
        "OPENAI_API_KEY": "",
        "OPENAI_BASE_URL": "",
    }


def run_command(args: list[str], env: dict[str, str]) -> float:
    """Seconds from launch to exit; a failing command prints its error and counts as nothing."""
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "interviewer", *args], env=env, capture_output=True)
    seconds = time.perf_counter() - start
    if done.returncode:
        print(f"  {' '.join(args[:2])} failed: {done.stderr.decode()[-400:]}", file=sys.stderr)
        return float("nan")
    return seconds


def first_question(args: list[str], env: dict[str, str], text: str) -> float:
    """Seconds from launch to the first question's text on stdout; the rest of the run is cut."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "interviewer", *args],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env={**env, "COLUMNS": "400"},
    )
    buffer, seconds = b"", float("nan")
    while chunk := proc.stdout.read1(4096):
        buffer += chunk
        if text.encode() in buffer:
            seconds = time.perf_counter() - start
            break
    proc.kill()
    proc.wait()
    return seconds


def cold_and_warm(work: Path, timed: Timed) -> tuple[float, float]:
    """Median seconds with an empty cache folder, and with one warmed by a first run."""
    colds, warms = [], []
    for run in range(RUNS):
        cache = Path(tempfile.mkdtemp(prefix=f"cache{run}-", dir=work))
        colds.append(timed(_env(cache, work)))
        warms.append(timed(_env(cache, work)))
    return statistics.median(colds), statistics.median(warms)


def import_in_process(markdown: Path) -> float:
    from interviewer.bank.importer import import_document

    start = time.perf_counter()
    imported = import_document(markdown)
    seconds = time.perf_counter() - start
    print(f"  in-process import found {len(imported.bank.questions)} questions", file=sys.stderr)
    return seconds


def _bank_commands(bank_path: Path, first: str, answer: Path) -> list[tuple[str, Timed]]:
    """The commands that read a bank, each a function of the environment it runs in."""
    bank_arg = ["--bank", str(bank_path)]
    grade = ["grade", *bank_arg, "--question", "1", "--answer-file", str(answer), "--json"]
    practice = ["practice", *bank_arg, "--answers", str(answer), "--max-follow-ups", "0", "--questions", "1"]
    return [
        (
            "bank show <file> --json",
            lambda env: run_command(["bank", "show", str(bank_path), "--json"], env),
        ),
        ("grade --question 1 --json", lambda env: run_command(grade, env)),
        ("practice: first question", lambda env: first_question(practice, env, first)),
    ]


def measure(work: Path) -> list[tuple[str, float, float]]:
    """Rows of (what, cold seconds, warm seconds); the seed bank's rows show the fixed cost."""
    bank = make_bank()
    yaml_path, md_path, answer = work / "big.yaml", work / "big.md", work / "answer.txt"
    write_bank(bank, yaml_path)
    md_path.write_text(to_markdown(bank), encoding="utf-8")
    answer.write_text("先看监控指标，再用压测数据验证，最后讲一个真实案例。\n", encoding="utf-8")
    print(
        f"  bank: {len(bank.questions)} questions, {yaml_path.stat().st_size / 1e6:.1f} MB YAML, "
        f"{md_path.stat().st_size / 1e6:.1f} MB Markdown",
        file=sys.stderr,
    )
    imported = ["bank", "import", str(md_path), "-o", str(work / "imported.yaml")]
    commands: list[tuple[str, Timed]] = [
        ("bank import big.md -o out.yaml", lambda env: run_command(imported, env)),
        *_bank_commands(yaml_path, bank.questions[0].text, answer),
    ]
    seed_path = shipped_banks_dir() / f"{DEFAULT_BANK}.yaml"
    seed = [
        (f"  seed bank (9 questions): {name}", timed)
        for name, timed in _bank_commands(seed_path, load_bank_file(seed_path).questions[0].text, answer)
    ]
    rows = [("import_document(big.md), in process", import_in_process(md_path), float("nan"))]
    rows += [(name, *cold_and_warm(work, timed)) for name, timed in commands + seed]
    return rows


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="big-bank-") as folder:
        rows = measure(Path(folder))
    print(f"{'3,000-question bank (median of ' + str(RUNS) + ')':<48} {'cold s':>8} {'warm s':>8}")
    for name, cold, warm in rows:
        print(f"{name:<48} {cold:>8.2f} {'' if warm != warm else f'{warm:.2f}':>8}")


if __name__ == "__main__":
    main()
