from evalcli.cli import main

main()
