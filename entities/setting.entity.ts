import { Column, Entity, PrimaryColumn } from "typeorm";
import { INSTANT, jsonTransformer } from "./columns";

/** A setting changed from its default (definitions and defaults: app/domain/settings.ts). */
@Entity({ name: "settings" })
export class Setting {
  @PrimaryColumn({ type: "varchar", length: 100 })
  key: string;

  @Column({ type: "text", transformer: jsonTransformer })
  value: unknown;

  @Column({ ...INSTANT })
  updatedAt: string;

  @Column({ type: "integer", nullable: true })
  updatedById: number | null;
}
