// Input read over an object that holds pointers, then written through one of them (c-write-what-where, C++).
#include <cstdio>
#include <sys/socket.h>

struct Node {
    Node *next;
    Node *prev;
};

struct Packet {
    int kind;
    Node link;
};

void unlinkReceived(int sock)
{
    Packet packet;
    if (::recv(sock, reinterpret_cast<char *>(&packet), sizeof(packet), 0) <= 0)
        return;
    Node *before = packet.link.prev;
    // ruleid: c-write-what-where
    before->next = packet.link.next;
}

void copyKind(int sock, Packet *out)
{
    Packet packet;
    if (::recv(sock, reinterpret_cast<char *>(&packet), sizeof(packet), 0) <= 0)
        return;
    // ok: c-write-what-where
    out->kind = packet.kind;
}
