#include <cstdio>
#include <cstdlib>
#include <string>
#include <QProcess>
#include <QString>
#include <QStringList>

int archive(const std::string &name)
{
    std::string command = "tar czf /tmp/backup.tgz " + name;
    // ruleid: cpp-shell-command
    return system(command.c_str());
}

int list_tmp(void)
{
    // ok: cpp-shell-command
    return std::system("ls /tmp");
}

int list_constant(void)
{
    const char *cmd = "uptime";
    // ok: cpp-shell-command
    return system(cmd);
}

FILE *grep_log(const std::string &pattern)
{
    // ruleid: cpp-shell-command
    return popen(("grep " + pattern + " /var/log/app.log").c_str(), "r");
}

FILE *read_version(void)
{
    // ok: cpp-shell-command
    return popen("uname -r", "r");
}

void convert(QProcess &process, const QString &file)
{
    // ruleid: cpp-qprocess-shell
    process.start("sh", QStringList() << "-c" << "convert " + file + " out.png");
}

void convert_direct(QProcess &process, const QString &file)
{
    // ok: cpp-qprocess-shell
    process.start("convert", QStringList() << file << "out.png");
}

void clean(QProcess *process)
{
    // ok: cpp-qprocess-shell
    process->start("/bin/sh", QStringList() << "-c" << "rm -f /tmp/cache/*");
}

int run_script(const QString &script)
{
    // ruleid: cpp-qprocess-shell
    return QProcess::execute("/bin/bash", {"-c", script});
}
