/** The slices of Rocket.Chat's documents that push.get reads, as the store hands them out. */
import type { Json } from './ejson';

export type MessageDocument = { [key: string]: Json };

export interface Message {
  id: string;
  rid: string;
  /** The whole stored document, returned as `data.message`. */
  document: MessageDocument;
}

export interface Room {
  id: string;
  t: string;
  name?: string;
  fname?: string;
  /** Parent room of a discussion. */
  prid?: string;
  /** A federated room is named by its `fname`. */
  federated?: boolean;
  teamId?: string;
  teamMain?: boolean;
  ro?: boolean;
  muted?: string[];
  /** Members of a direct room, for telling a group DM (more than two) from a 1:1. */
  uidsCount?: number;
  servedById?: string;
  /** Omnichannel rooms: `open: true` until the conversation is closed. */
  open?: boolean;
  departmentId?: string;
}

/** The team a channel belongs to, known through the team's main room. */
export interface Team {
  id: string;
  mainRoomId: string;
  mainRoomType: string;
}

/** What the team rule needs about a channel's team and the receiver, read in one step. */
export interface TeamFacts {
  /** Present when the team's own document (`rocketchat_team`) is stored: then it decides. */
  team?: { isPublic: boolean; receiverIsMember: boolean };
  /** The team's main room, for exports without team collections. */
  mainRoom?: { id: string; t: string };
}

export interface Subscription {
  userId: string;
  rid: string;
  name?: string;
  fname?: string;
  unread: number;
  archived: boolean;
  /** A pending invitation (`status: 'INVITED'`): not yet a member. */
  invited?: boolean;
  /** Banned from the room (`status: 'BANNED'`): the subscription stays, the membership and the public-channel access go. */
  banned?: boolean;
}

export interface Sender {
  id: string;
  username?: string;
  name?: string;
}

/** The receiver as the authorizer established it. */
export interface Receiver {
  id: string;
  username?: string;
  roles: string[];
  language?: string;
}
