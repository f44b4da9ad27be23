"""What the desk's screens are built from, screens apart: widgets of one part each (`key_bar`, `title_bar`,
`section_bar`, `choice`, `prose`, `case_sheet`, `materials`), key bindings in the desk's language (`keys`), text
measured, cut and wrapped in terminal cells (`cells`), how the screens name people and days (`naming`), and the few
private names of Textual the desk relies on (`textual_private`). Nothing here is imported until a screen asks for it.
"""
